/** Where `npm run build:harness` writes the page with its fault switches; every server the suite starts serves it. */
import { fileURLToPath } from 'node:url';

export const HARNESS_STATIC_DIR = fileURLToPath(new URL('../../web/dist-harness', import.meta.url));
