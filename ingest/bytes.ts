/** "512 B", "12.5 KB", "3.2 MB": sizes in rejection reasons, binary units. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${Number((n / 2 ** 20).toFixed(1))} MB`;
}
