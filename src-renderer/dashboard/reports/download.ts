// Saving text the core handed over (CSV) as a file: a Blob download, which both hosts support — the browser saves
// it, Electron shows its save dialog. No server round trip and no extra ipc for files.
export function saveTextFile(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: the download may start after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
