/**
 * The AI SDK's own reading of each stream: `readUIMessageStream` (run in the
 * validator's worker) builds the message from a stream's valid chunks as
 * `useChat` does, and names the chunk it cannot place. A stream that carries
 * on a cut run with only the rest is read after that run's earlier streams,
 * as the page holds them.
 */
import { type Stream, where } from './ai-sdk-model';
import { readStreams } from './ai-sdk-validate';

export function sdkReadFailures(streams: readonly Stream[]): { stream: Stream; message: string }[] {
  const read = streams.filter((stream) => stream.chunks.length > 0);
  const inputs = read.map((stream) =>
    stream.continues && stream.run
      ? read
          .filter((other) => other.run === stream.run && other.channel <= stream.channel)
          .flatMap((other) => other.chunks)
      : stream.chunks,
  );
  const failures = readStreams(inputs);
  return read.flatMap((stream, i) => {
    const failure = failures[i];
    if (!failure) return [];
    const run = stream.run ? `run ${stream.run.id}: ` : '';
    return [{ stream, message: `${run}the AI SDK's readUIMessageStream stopped reading ${where(stream)}: ${failure}` }];
  });
}
