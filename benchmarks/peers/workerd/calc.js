// The RPC target: a named-method WorkerEntrypoint, as benchmarks/src/main/workers/calc's CalcWorker.
import { WorkerEntrypoint } from "cloudflare:workers";

export default class Calc extends WorkerEntrypoint {
  add(a, b) {
    return a + b;
  }

  async fetch() {
    return new Response("ok");
  }
}
