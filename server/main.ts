/**
 * Entry point: `npm start`. Reads options from the environment (see README),
 * starts the server and shuts it down cleanly on SIGINT / SIGTERM (a second
 * signal exits at once).
 */
import { startServer } from './app';
import { optionsFromEnv } from './config';

const server = await startServer(optionsFromEnv()).catch((error: unknown) => {
  console.error(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// One faulty run must not take down everyone else's.
process.on('unhandledRejection', (reason) => server.logger.error({ err: reason }, 'unhandled rejection'));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    server.logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
