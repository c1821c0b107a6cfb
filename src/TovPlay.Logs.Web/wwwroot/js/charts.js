// Time charts for TovPlay Logs, drawn by the vendored ApexCharts 4.7.0 (MIT, wwwroot/lib/apexcharts). The library
// is fetched on first use so pages without a chart never load it. Dragging across a chart reports the chosen range
// to .NET instead of zooming: the page re-runs its queries for that range and sends new data.
(function () {
    "use strict";

    var loading = null;
    var charts = new WeakMap();

    function load() {
        if (window.ApexCharts) {
            return Promise.resolve();
        }
        if (!loading) {
            loading = new Promise(function (resolve, reject) {
                var script = document.createElement("script");
                script.src = document.baseURI.replace(/\/?$/, "/") + "lib/apexcharts/apexcharts.min.js";
                script.onload = function () { resolve(); };
                script.onerror = function () { loading = null; reject(new Error("Could not load the chart library.")); };
                document.head.appendChild(script);
            });
        }
        return loading;
    }

    // The library writes series names into the legend and the tooltip as HTML. Names come from label values and table
    // names, which anyone who can push a line or name a table chooses, so they go in as text.
    function text(value) {
        return String(value === null || value === undefined ? "" : value)
            .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    }

    // Series without a colour of their own (a metric's series) take one from here in turn: the library warns on
    // every undefined colour it is given.
    var palette = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00acc1", "#6d4c41", "#3949ab", "#c0ca33", "#d81b60"];

    function two(n) { return (n < 10 ? "0" : "") + n; }

    // yyyy-MM-dd HH:mm:ss in UTC or the browser's zone, as the axis shows it.
    function stamp(ms, utc) {
        var d = new Date(ms);
        return utc
            ? d.getUTCFullYear() + "-" + two(d.getUTCMonth() + 1) + "-" + two(d.getUTCDate()) + " " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds())
            : d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
    }

    function options(spec, owner) {
        var dark = spec.dark === true;
        var utc = spec.utc !== false;
        // A bar drawn at its bucket's middle: the tooltip names the bucket it counts.
        var tooltipX = spec.bucketMs
            ? function (ms) { return stamp(ms - spec.bucketMs / 2, utc) + " to " + stamp(ms + spec.bucketMs / 2, utc).slice(11); }
            : function (ms) { return stamp(ms, utc); };
        return {
            chart: {
                type: spec.kind === "bar" ? "bar" : "line",
                height: spec.height,
                stacked: spec.stacked === true,
                animations: { enabled: false },
                background: "transparent",
                fontFamily: "inherit",
                zoom: { enabled: true, type: "x", autoScaleYaxis: false },
                toolbar: { show: true, autoSelected: "zoom", tools: { download: false, selection: false, zoom: true, zoomin: false, zoomout: false, pan: false, reset: false } },
                events: {
                    beforeZoom: function (context, range) {
                        if (range && range.xaxis && range.xaxis.max > range.xaxis.min) {
                            owner.invokeMethodAsync("RangeSelected", Math.round(range.xaxis.min), Math.round(range.xaxis.max));
                        }
                        // Keep the axis as it is: the new range comes back as new data.
                        return { xaxis: { min: spec.min, max: spec.max } };
                    },
                    // A click, not a drag (a drag ends in a click on the common ancestor too): the library's
                    // point selection fires on mousedown, which would replace the chart under a starting drag.
                    click: function (event, context, config) {
                        var moved = Math.abs(event.clientX - (owner._downX === undefined ? event.clientX : owner._downX));
                        var series = config && spec.series[config.seriesIndex];
                        var point = series && series.data[config.dataPointIndex];
                        if (point && moved < 5) {
                            owner.invokeMethodAsync("PointClicked", point[0]);
                        }
                    },
                    mounted: function (context) {
                        context.el.addEventListener("mousedown", function (e) { owner._downX = e.clientX; }, { passive: true });
                    }
                }
            },
            theme: { mode: dark ? "dark" : "light" },
            series: spec.series.map(function (s) { return { name: text(s.name), data: s.data }; }),
            colors: spec.series.map(function (s, i) { return s.color || palette[i % palette.length]; }),
            dataLabels: { enabled: false },
            stroke: { width: spec.kind === "bar" ? 0 : 2, curve: "straight" },
            markers: { size: 0 },
            legend: { show: spec.series.length > 1 || spec.kind === "bar", showForSingleSeries: true, position: "top", horizontalAlign: "left" },
            plotOptions: { bar: { columnWidth: "90%" } },
            xaxis: { type: "datetime", min: spec.min, max: spec.max, labels: { datetimeUTC: utc } },
            yaxis: { min: 0, forceNiceScale: true, labels: { formatter: function (v) { return v === null || v === undefined ? "" : +v.toFixed(3); } } },
            tooltip: { shared: spec.kind === "bar", intersect: false, x: { formatter: tooltipX } },
            annotations: {
                yaxis: (spec.thresholds || []).map(function (t) {
                    return { y: t.value, borderColor: t.color || "#e53935", strokeDashArray: 4, label: { text: t.label, style: { color: "#fff", background: t.color || "#e53935" } } };
                }),
                xaxis: spec.band ? [{
                    x: spec.band.start, x2: spec.band.end, fillColor: spec.band.color || "#fb8c00", opacity: 0.25, borderColor: spec.band.color || "#fb8c00",
                    label: { text: spec.band.label, orientation: "horizontal", style: { color: "#fff", background: spec.band.color || "#fb8c00" } }
                }] : []
            },
            noData: { text: spec.empty || "No data in this range" }
        };
    }

    window.tovplayCharts = {
        render: async function (element, owner, spec) {
            await load();
            var existing = charts.get(element);
            if (existing) {
                existing.destroy();
            }
            var chart = new window.ApexCharts(element, options(spec, owner));
            charts.set(element, chart);
            await chart.render();
            element.dataset.rendered = String((+element.dataset.rendered || 0) + 1);
        },

        destroy: function (element) {
            var chart = element && charts.get(element);
            if (chart) {
                chart.destroy();
                charts.delete(element);
            }
        }
    };
})();
