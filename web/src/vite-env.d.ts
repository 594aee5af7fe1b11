/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** `1` in a harness build (`npm run build:harness`): the page reads its fault switches. */
  readonly VITE_PAGE_FAULTS?: string;
}
