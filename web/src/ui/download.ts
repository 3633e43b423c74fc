/** Save bytes as a file in the browser (an object URL on a temporary link). */
export function saveFile(blob: Blob, fileName: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled; revoking at once cancels the download in some browsers.
  window.setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
