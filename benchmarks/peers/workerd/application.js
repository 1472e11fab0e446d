// The part of example-application's ApplicationWorker the benchmark reaches: GET /notes lists the
// notes (none) as {"notes":[]}, sorted by id; anything else is a 404 as the Java worker answers it.
const notes = new Map();

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/notes" && request.method === "GET") {
      const list = [...notes.values()].sort((a, b) => a.id - b.id);
      return new Response(JSON.stringify({ notes: list }), { headers: { "content-type": "application/json" } });
    }
    return new Response(JSON.stringify({ error: `no route ${request.method} ${url.pathname}` }),
      { status: 404, headers: { "content-type": "application/json" } });
  },
};
