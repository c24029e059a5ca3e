// A progress bar on stderr, only when stderr is a terminal and the output is not --json.
import cliProgress from 'cli-progress';

export function progressBar(format: string, enabled: boolean): cliProgress.SingleBar | null {
  if (!enabled || !process.stderr.isTTY) return null;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${format} [{bar}] {value}/{total} | {duration_formatted}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
}
