// One request making n RPC calls to calc, one after the other (GET /rpc?n=1000000): the client
// times it with n=0 and with a large n, since workerd stops the clock inside a request.
export default {
  async fetch(request, env) {
    const n = Number(new URL(request.url).searchParams.get("n") ?? "0");
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += await env.CALC.add(i, 1);
    }
    return new Response(String(sum));
  },
};
