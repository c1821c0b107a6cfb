// Small browser helpers for TovPlay Logs. Kept dependency-free and under /logs/.
(function () {
    "use strict";

    window.tovplayLogs = {
        // The IANA zone the browser uses, so the server can render "local" times in it.
        timeZone: function () {
            try {
                return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
            } catch {
                return null;
            }
        },

        // Live lists follow new lines while the reader is at the bottom; scrolling up stops that, and coming back
        // down starts it again. The server asks after each render; the list remembers whether it follows.
        // Only the reader's own move upwards stops following (a wheel, a touch, the scroll bar, a key): a scroll event
        // can arrive after the next lines were painted, and the virtualised list's spacers can move the position up
        // while rows are measured, though nobody scrolled.
        follow: function (list) {
            if (!list || list.dataset.follow !== undefined) {
                return;
            }
            list.dataset.follow = "true";
            var lastTop = list.scrollTop;
            var readerUntil = 0;
            var byReader = function () { readerUntil = Date.now() + 1000; };
            ["wheel", "touchstart", "touchmove", "pointerdown", "keydown"].forEach(function (name) {
                list.addEventListener(name, byReader, { passive: true });
            });
            list.addEventListener("scroll", function () {
                var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
                if (atBottom) {
                    list.dataset.follow = "true";
                } else if (list.scrollTop < lastTop - 1 && Date.now() < readerUntil) {
                    list.dataset.follow = "false";
                }
                lastTop = list.scrollTop;
            }, { passive: true });
        },

        // Live page keys: space pauses or resumes, "/" focuses the filter, Escape clears it. Keys typed into a
        // field are the user's text, except Escape in the filter itself.
        liveShortcuts: function (page) {
            window.tovplayLogs.stopLiveShortcuts();
            var handler = function (e) {
                var target = e.target;
                var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
                if (e.ctrlKey || e.metaKey || e.altKey) {
                    return;
                }
                if (e.key === "Escape" && (!typing || target.id === "live-filter")) {
                    page.invokeMethodAsync("OnShortcut", "Escape");
                    if (typing) { target.blur(); }
                } else if (!typing && e.key === " ") {
                    e.preventDefault();
                    page.invokeMethodAsync("OnShortcut", "Space");
                } else if (!typing && e.key === "/") {
                    e.preventDefault();
                    var filter = document.getElementById("live-filter") || document.getElementById("live-query");
                    if (filter) { filter.focus(); }
                }
            };
            document.addEventListener("keydown", handler);
            window.tovplayLogs._liveShortcuts = handler;
        },

        stopLiveShortcuts: function () {
            if (window.tovplayLogs._liveShortcuts) {
                document.removeEventListener("keydown", window.tovplayLogs._liveShortcuts);
                window.tovplayLogs._liveShortcuts = null;
            }
        },

        scrollIfFollowing: function (list) {
            if (list && list.dataset.follow !== "false") {
                list.scrollTop = list.scrollHeight;
            }
            return !list || list.dataset.follow !== "false";
        }
    };

    function wireReconnectButtons() {
        var indicator = document.getElementById("components-reconnect-modal");
        if (!indicator) {
            return;
        }
        indicator.addEventListener("click", async function (e) {
            var action = e.target && e.target.getAttribute("data-reconnect");
            if (!action) {
                return;
            }
            if (action === "retry") {
                var ok = await Blazor.reconnect();
                if (!ok) {
                    location.reload();
                }
            } else if (action === "resume") {
                var resumed = await Blazor.resumeCircuit();
                if (!resumed) {
                    location.reload();
                }
            } else {
                location.reload();
            }
        });
        // A rejected circuit cannot come back; reload straight away rather than leave a dead page.
        indicator.addEventListener("components-reconnect-state-changed", function (e) {
            if (e.detail && e.detail.state === "rejected") {
                location.reload();
            }
        });
    }

    // Downloads from the app's API are fetched first, so a refusal (400, 409...) is shown on the page with the
    // server's reason instead of ending as the browser's bare "failed download". A good answer is saved under the
    // name the server gives.
    function fileNameOf(disposition) {
        var match = /filename="?([^";]+)"?/.exec(disposition || "");
        return match ? match[1] : null;
    }

    function showDownloadError(text) {
        var box = document.getElementById("download-error");
        if (!box) {
            box = document.createElement("div");
            box.id = "download-error";
            box.setAttribute("role", "alert");
            box.setAttribute("data-testid", "download-error");
            box.className = "download-error";
            document.body.appendChild(box);
        }
        box.textContent = "";
        var message = document.createElement("span");
        message.textContent = text;
        var close = document.createElement("button");
        close.type = "button";
        close.textContent = "Dismiss";
        close.addEventListener("click", function () { box.remove(); });
        box.appendChild(message);
        box.appendChild(close);
    }

    document.addEventListener("click", async function (event) {
        var link = event.target && event.target.closest ? event.target.closest("a[download][href]") : null;
        if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
            return;
        }
        var url = new URL(link.href, document.baseURI);
        if (url.origin !== location.origin || url.pathname.indexOf("/api/") < 0) {
            return;
        }
        event.preventDefault();
        try {
            var response = await fetch(url, { credentials: "same-origin" });
            if (!response.ok) {
                var reason = (await response.text()).trim().slice(0, 500);
                showDownloadError("The download failed (" + response.status + "): " + (reason || response.statusText));
                return;
            }
            var blob = await response.blob();
            var saved = document.createElement("a");
            saved.href = URL.createObjectURL(blob);
            saved.download = fileNameOf(response.headers.get("Content-Disposition")) || link.getAttribute("download") || "download";
            document.body.appendChild(saved);
            saved.click();
            saved.remove();
            setTimeout(function () { URL.revokeObjectURL(saved.href); }, 60000);
        } catch (e) {
            showDownloadError("The download failed: " + (e && e.message ? e.message : "the server could not be reached"));
        }
    });

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", wireReconnectButtons);
    } else {
        wireReconnectButtons();
    }
})();
