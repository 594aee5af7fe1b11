/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** `1` in a harness build (`npm run build:test-page`): the page reads its fault switches. */
  readonly VITE_PAGE_FAULTS?: string;
}
