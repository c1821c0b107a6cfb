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

    // A dialog's first field takes the focus here, in the browser, as the dialog appears. Left to the dialog's focus
    // trap (every MudDialog says DefaultFocus.None), the focus would move once the first render had gone to the
    // browser and back, and whoever had clicked into a field and started typing by then would lose the rest of it.
    // The dialog's content may come in a later render than its frame: until a field has the focus or someone has
    // clicked or typed in the dialog, the focus follows to the first field that appears. When the dialog goes, the
    // focus goes back where it was.
    var dialogs = new Map();

    function firstField(dialog) {
        var fields = dialog.querySelectorAll("input, textarea, select");
        for (var i = 0; i < fields.length; i++) {
            var field = fields[i];
            if (field.type !== "hidden" && !field.disabled && !field.readOnly && field.getClientRects().length > 0) {
                return field;
            }
        }
        return null;
    }

    function focusDialog(dialog) {
        var state = dialogs.get(dialog);
        if (!state) {
            var opener = document.activeElement;
            state = { opener: dialog.contains(opener) ? null : opener, settled: false };
            dialogs.set(dialog, state);
            var settle = function () { state.settled = true; };
            dialog.addEventListener("pointerdown", settle, { capture: true });
            dialog.addEventListener("keydown", settle, { capture: true });
        }
        var active = document.activeElement;
        if (active && dialog.contains(active) && active.matches("input, textarea, select, button, a[href], [contenteditable]")) {
            state.settled = true;
        }
        if (state.settled) {
            return;
        }
        var field = firstField(dialog);
        if (field) {
            field.focus({ preventScroll: true });
            state.settled = document.activeElement === field;
        } else if (!dialog.contains(active)) {
            // No field: the focus trap's own focusable frame takes it (the first of them that can hold the focus).
            var frames = dialog.querySelectorAll("[tabindex='-1']");
            for (var i = 0; i < frames.length && !dialog.contains(document.activeElement); i++) {
                frames[i].focus({ preventScroll: true });
            }
        }
    }

    function forgetDialogs() {
        dialogs.forEach(function (state, dialog) {
            if (dialog.isConnected) {
                return;
            }
            dialogs.delete(dialog);
            var lost = !document.activeElement || document.activeElement === document.body;
            if (lost && state.opener && state.opener.isConnected) {
                state.opener.focus({ preventScroll: true });
            }
        });
    }

    // After a move to another page its heading takes the focus, so a screen reader says where you are, again in
    // the browser as the heading appears (Blazor's FocusOnNavigate would do it a round trip later, from the middle
    // of whatever someone had started to type on the new page). Someone already typing in a field keeps the focus.
    var headingFor = location.pathname;

    function focusHeading(heading) {
        headingFor = location.pathname;
        var active = document.activeElement;
        if (active && active.isConnected && active.matches("input, textarea, select, [contenteditable]")) {
            return;
        }
        if (!heading.hasAttribute("tabindex")) {
            heading.setAttribute("tabindex", "-1");
        }
        heading.focus({ preventScroll: true });
    }

    new MutationObserver(function (mutations) {
        var touched = new Set();
        var heading = null;
        mutations.forEach(function (mutation) {
            mutation.addedNodes.forEach(function (node) {
                if (node.nodeType !== Node.ELEMENT_NODE) {
                    return;
                }
                var around = node.closest(".mud-dialog");
                if (around) {
                    touched.add(around);
                }
                node.querySelectorAll(".mud-dialog").forEach(function (dialog) { touched.add(dialog); });
                heading = heading || (node.matches("h1") ? node : node.querySelector("h1"));
            });
        });
        if (heading && location.pathname !== headingFor && !heading.closest(".mud-dialog")) {
            focusHeading(heading);
        }
        // A dialog that follows another (a password shown once after its form) is opened, for the focus, by
        // whatever opened the one it replaces.
        if (dialogs.size > 0) {
            forgetDialogs();
        }
        touched.forEach(focusDialog);
    }).observe(document.body, { childList: true, subtree: true });

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", wireReconnectButtons);
    } else {
        wireReconnectButtons();
    }
})();
