// Styles live inside the widget's shadow root, so the host page's CSS cannot break the widget and ours cannot leak.
export const css = `
:host { all: initial; }
* { box-sizing: border-box; }
.root {
  --accent: #2457c5; --accent-text: #fff; --bg: #fff; --surface: #f3f5f8; --border: #d9dde3;
  --text: #1b1f24; --muted: #5b6470; --danger: #b42318; --focus: #1d4ed8;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 15px; line-height: 1.45; color: var(--text);
}
@media (prefers-color-scheme: dark) {
  .root { --accent: #7aa2ff; --accent-text: #0b1220; --bg: #1b1f26; --surface: #252b35; --border: #39414f; --text: #e6e9ee; --muted: #a7afbb; --danger: #ff8a80; --focus: #9bb8ff; }
}
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.panel {
  display: flex; flex-direction: column; background: var(--bg); color: var(--text); overflow: hidden;
}
.page .panel { position: fixed; inset: 0; }
.floating .panel {
  position: fixed; right: 20px; bottom: 92px; z-index: 2147483646;
  width: min(380px, calc(100vw - 24px)); height: min(600px, calc(100vh - 120px));
  border: 1px solid var(--border); border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.18);
}
.floating .panel[hidden] { display: none; }
header { padding: 14px 16px; border-bottom: 1px solid var(--border); display: flex; align-items: center; gap: 8px; }
h1 { font-size: 1.05rem; margin: 0; font-weight: 650; flex: 1; }
.page header { justify-content: center; }
.page h1 { flex: none; }
.close { border: none; background: none; font-size: 1.3rem; line-height: 1; cursor: pointer; color: var(--muted); padding: 4px 8px; border-radius: 6px; }
.status { font-size: .82rem; color: var(--muted); padding: 6px 16px; background: var(--surface); border-bottom: 1px solid var(--border); }
.status:empty { display: none; }
.log { flex: 1; overflow-y: auto; padding: 14px 16px; }
.page .log, .page .queue, .page .typing, .page form, .page .status { width: 100%; max-width: 760px; margin-left: auto; margin-right: auto; }
ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
li { max-width: 85%; display: flex; flex-direction: column; gap: 2px; align-self: flex-start; }
li.mine { align-self: flex-end; align-items: flex-end; }
.author { font-size: .78rem; color: var(--muted); font-weight: 600; }
.bubble { padding: 8px 12px; border-radius: 14px; background: var(--surface); white-space: pre-wrap; overflow-wrap: anywhere; }
li.mine .bubble { background: var(--accent); color: var(--accent-text); }
li.failed .bubble { background: transparent; color: var(--text); border: 1px solid var(--danger); }
.meta { font-size: .75rem; color: var(--muted); }
li.failed .meta { color: var(--danger); font-weight: 600; }
.empty { color: var(--muted); text-align: center; margin: 24px 8px; font-size: .92rem; }
.queue:not(:empty) { padding: 4px 16px; font-size: .85rem; color: var(--muted); }
.typing { min-height: 1.5em; padding: 0 16px; font-size: .85rem; color: var(--muted); font-style: italic; }
form { display: flex; gap: 8px; padding: 10px 12px 12px; border-top: 1px solid var(--border); align-items: flex-end; }
textarea {
  flex: 1; resize: none; font: inherit; color: inherit; background: var(--bg);
  border: 1px solid var(--border); border-radius: 10px; padding: 8px 10px; max-height: 140px; min-height: 40px;
}
button.send {
  font: inherit; font-weight: 600; border: none; border-radius: 10px; padding: 9px 16px;
  background: var(--accent); color: var(--accent-text); cursor: pointer;
}
.notice { font-size: .82rem; color: var(--danger); padding: 0 16px; }
.notice:empty { display: none; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483647;
  width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
  background: var(--accent); color: var(--accent-text); box-shadow: 0 6px 20px rgba(0,0,0,.22);
  display: flex; align-items: center; justify-content: center;
}
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.badge {
  position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 5px;
  border-radius: 10px; background: #d92d20; color: #fff; font-size: 12px; font-weight: 700;
  display: flex; align-items: center; justify-content: center;
}
.badge[hidden] { display: none; }
.csat { border-top: 1px solid var(--border); padding: 10px 16px; background: var(--surface); }
.csat[hidden] { display: none; }
.csat h2 { font-size: .95rem; margin: 0 0 6px; }
.csat p { margin: 0; font-size: .9rem; }
.csat .csat-form { display: block; padding: 0; border: none; }
.csat fieldset { border: none; margin: 0 0 6px; padding: 0; }
.csat legend { font-size: .9rem; margin-bottom: 6px; padding: 0; }
.csat .scores { display: flex; gap: 6px; }
.csat .score { flex: 1; display: flex; flex-direction: column; align-items: center; gap: 2px; border: 1px solid var(--border); border-radius: 8px; padding: 4px 2px; cursor: pointer; background: var(--bg); }
.csat .score:has(input:checked) { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent) inset; }
.csat .score small { font-size: .7rem; color: var(--muted); }
.csat-comment { display: block; font-size: .82rem; margin: 4px 0 2px; }
.csat textarea { width: 100%; min-height: 40px; }
.csat button.send { margin-top: 6px; }
.csat-error { color: var(--danger); font-size: .82rem; }
.csat-error:empty { display: none; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
