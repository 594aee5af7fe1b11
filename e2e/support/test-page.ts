/** Where `npm run build:test-page` writes the page with its fault switches; every server the suite starts serves it. */
import { fileURLToPath } from 'node:url';

export const TEST_PAGE_DIR = fileURLToPath(new URL('../../web/dist-test', import.meta.url));
