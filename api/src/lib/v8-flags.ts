// Imported first by the process entry points (main.ts, worker/main.ts), before any WebAssembly is compiled.
import v8 from 'node:v8';

// Prisma's query compiler (and the migrator's schema engine) is WebAssembly. V8 compiles it twice, the
// second time with its optimizing tier in the background, which holds ~55 MB per process for code that
// runs once per new query shape (Prisma caches its plans). The baseline compiler alone is enough.
v8.setFlagsFromString('--liftoff-only');
