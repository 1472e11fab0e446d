// The reference's auth worker: x-custom-token against the SECRET_TOKEN binding, in constant time,
// as example-auth's AuthWorker does with MessageDigest.isEqual.
const encoder = new TextEncoder();

export default {
  async fetch(request, env) {
    const token = request.headers.get("x-custom-token");
    if (token !== null && matches(token, env.SECRET_TOKEN)) {
      return new Response("Request allowed", { headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    return new Response("x-custom-token does not match, request not allowed",
      { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  },
};

function matches(given, expected) {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
