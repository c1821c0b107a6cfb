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
        follow: function (list) {
            if (!list || list.dataset.follow !== undefined) {
                return;
            }
            list.dataset.follow = "true";
            list.addEventListener("scroll", function () {
                var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
                list.dataset.follow = atBottom ? "true" : "false";
            }, { passive: true });
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

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", wireReconnectButtons);
    } else {
        wireReconnectButtons();
    }
})();
