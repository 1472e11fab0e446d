// The reference's gateway: asks auth, answers its refusal, else forwards to the application.
// The same work as example-gateway's GatewayWorker (auth gets a clone: a body is read once).
export default {
  async fetch(request, env) {
    const auth = await env.AUTH.fetch(request.clone());
    if (auth.status !== 200) {
      return auth;
    }
    return env.APPLICATION.fetch(request);
  },
};
