// Kiln's wasm unit tests run under Node. Emscripten gives a program an environment of its own; this
// passes Node's GTEST_* variables into it, so that gtest's sharding (GTEST_TOTAL_SHARDS and
// GTEST_SHARD_INDEX, set by tests/unit/CMakeLists.txt) splits a run over several processes.
// (Plain ES5: Emscripten's optimizer parses this file.)
Module.preRun = Module.preRun || [];
Module.preRun.push(function () {
  for (var name in process.env) {
    if (name.indexOf('GTEST_') === 0) ENV[name] = process.env[name];
  }
});
