// Global test hook: an unhandled rejection anywhere fails the run instead of passing silently.
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
