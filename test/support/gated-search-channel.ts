/** The broadcast channel between a test and test/support/gated-search-thread.ts (apart, so a test imports it without starting a thread's listener). */
export const GATED_SEARCH_CHANNEL = 'scimgate-test-gated-search';
