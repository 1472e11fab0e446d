package io.jworkers.runtime.dashboard;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.jworkers.runtime.config.NameRules;
import io.jworkers.runtime.deploy.DeploymentException;
import io.jworkers.runtime.deploy.TrafficSplit;
import io.jworkers.runtime.deploy.VersionInfo;
import io.jworkers.runtime.host.WorkerHost;
import io.jworkers.runtime.serve.DeployRejectedException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The web dashboard: server-rendered pages (htmx for refreshes and live logs, uPlot for charts)
 * registered on a Helidon routing, with their own login. The admin token, typed once into a form,
 * opens a server-side session (an HttpOnly, SameSite=Strict cookie, Secure over https); every
 * POST must carry the session's CSRF token, in the {@code _csrf} field or the
 * {@code X-CSRF-Token} header, or is refused with 403 before anything changes.
 *
 * <p>{@link #loopbackOpen} makes the dashboard of a loopback-only listener without a token
 * ({@code jworkers dev}): no login, a session (and its CSRF token) opened at the first page; every
 * request whose {@code Host} is not a loopback name with the listener's port is refused with 403
 * (see {@link LoopbackHost}), and every POST still needs the CSRF token of a page this dashboard
 * served, so a page of another site can neither read it nor act through it.
 *
 * <pre>
 * GET  /                                   workers and environments, versions, status, traffic
 * GET  /ui/login, POST /ui/login           the login form (field "token"); POST /ui/logout
 * GET  /ui/workers-table                   the workers table alone (htmx refresh)
 * GET  /ui/workers/{name}?env=E            one worker environment
 * POST /ui/workers/{name}/rollback         env, version
 * POST /ui/workers/{name}/split            env, versions ("4@10 3@90"), message
 * POST /ui/workers/{name}/promote          from, version (empty: current), to
 * GET  /ui/workers/{name}/logs?env=E       the live-logs panel (htmx SSE extension)
 * GET  /ui/workers/{name}/tail?env=E       text/event-stream of log lines as HTML (from {@link LiveTail})
 * GET  /ui/hosts                           the cluster's hosts
 * GET  /ui/assets/{file}, /ui/webjars/...  script, style, htmx, uPlot
 * </pre>
 */
public final class Dashboard {

    /** Where every dashboard path but {@code /} lives, apart from the admin API's {@code /v1}. */
    public static final String PREFIX = "/ui";
    static final String COOKIE = "jworkers_session";
    private static final int MAX_FORM_BYTES = 16 * 1024;
    private static final int MAX_QUEUED_EVENTS = 1000;
    private static final String CSRF_REFUSED = "Refused: missing or wrong CSRF token; reload the page and try again";
    private static final System.Logger LOG = System.getLogger("jworkers.dashboard");

    private final DashboardSource source;
    private final Predicate<String> tokenCheck;
    private final Sessions sessions;
    // No login: the session opens at the first page, and only loopback Host headers are answered.
    private final boolean loopbackOpen;
    private final Assets assets = new Assets();
    private final Layout layout;
    private volatile WorkerStatsSource stats = WorkerStatsSource.NONE;
    private volatile LiveTail tail;

    /**
     * @param source what the pages show and change
     * @param tokenCheck whether a token typed at login is the admin token
     */
    public Dashboard(DashboardSource source, Predicate<String> tokenCheck) {
        this(source, tokenCheck, Clock.systemUTC());
    }

    Dashboard(DashboardSource source, Predicate<String> tokenCheck, Clock clock) {
        this(source, tokenCheck, clock, false);
    }

    private Dashboard(DashboardSource source, Predicate<String> tokenCheck, Clock clock, boolean loopbackOpen) {
        this.source = source;
        this.tokenCheck = tokenCheck;
        this.sessions = new Sessions(clock);
        this.loopbackOpen = loopbackOpen;
        this.layout = new Layout(assets, !loopbackOpen);
    }

    /**
     * A dashboard without a login, for a listener on loopback only that has no admin token
     * ({@code jworkers dev}): anyone who can reach 127.0.0.1 may look, as with its
     * {@code /metrics}. A request whose {@code Host} header is not {@code localhost}, a 127.x.x.x
     * address or {@code [::1]} with the listener's port is refused with 403 (DNS rebinding);
     * the first page opens a session whose CSRF token every POST must carry, as with a login.
     *
     * @param source what the pages show
     * @return the dashboard
     */
    public static Dashboard loopbackOpen(DashboardSource source) {
        return new Dashboard(source, typed -> false, Clock.systemUTC(), true);
    }

    /**
     * Where the traffic numbers come from; until set, every worker shows "no traffic yet".
     *
     * @param stats the source
     * @return this dashboard
     */
    public Dashboard stats(WorkerStatsSource stats) {
        this.stats = stats;
        return this;
    }

    /**
     * Where live logs come from; until set, the log panel says they are not available.
     *
     * @param tail the source
     * @return this dashboard
     */
    public Dashboard tail(LiveTail tail) {
        this.tail = tail;
        return this;
    }

    /**
     * Adds the dashboard's routes. Register them before any filter that wants a bearer token:
     * the dashboard authenticates its requests itself, by session.
     *
     * @param routing the routing of the listener that serves it
     */
    public void register(HttpRouting.Builder routing) {
        if (loopbackOpen) {
            Handler guard = (request, response) -> {
                if (LoopbackHost.allows(request)) {
                    response.next();
                } else {
                    LoopbackHost.refuse(request, response);
                }
            };
            routing.any("/", guard);
            routing.any(PREFIX + "/*", guard);
        }
        routing.get(PREFIX + "/assets/{file}", (request, response) -> secure(response, () -> assets.serveOwn(request, response)));
        routing.get(PREFIX + "/webjars/{+path}", (request, response) -> secure(response, () -> assets.serveWebjar(request, response)));
        routing.get(PREFIX + "/login", (request, response) -> {
            if (loopbackOpen || session(request).isPresent()) {
                redirect(response, "/");
            } else {
                html(response, 200, layout.login(null));
            }
        });
        if (!loopbackOpen) {
            routing.post(PREFIX + "/login", this::login);
            routing.post(PREFIX + "/logout", (request, response) -> write(request, response, (session, form) -> {
                sessions.end(session);
                response.header(HeaderNames.SET_COOKIE, cookie(request, "", 0));
                redirect(response, PREFIX + "/login");
            }));
        }
        routing.get("/", (request, response) -> page(request, response, session ->
                Optional.of(layout.page("Workers", session.csrf(), session.takeFlash().orElse(null),
                        new WorkersPage(source, stats).body()))));
        routing.get(PREFIX + "/workers-table", (request, response) -> page(request, response, session ->
                Optional.of(new WorkersPage(source, stats).table())));
        routing.get(PREFIX + "/hosts", (request, response) -> page(request, response, session ->
                Optional.of(layout.page("Hosts", session.csrf(), session.takeFlash().orElse(null), new HostsPage(source).body()))));
        routing.get(PREFIX + "/workers/{name}", (request, response) -> page(request, response, session -> {
            String worker = worker(request);
            String environment = environment(request.query().first("env").orElse(WorkerHost.PRODUCTION));
            return new WorkerPage(source, stats, tail != null).body(worker, environment, session.csrf())
                    .map(body -> layout.page(worker + " (" + environment + ")", session.csrf(),
                            session.takeFlash().orElse(null), body));
        }));
        routing.get(PREFIX + "/workers/{name}/logs", (request, response) -> page(request, response, session ->
                Optional.of(WorkerPage.logsPanel(worker(request),
                        environment(request.query().first("env").orElse(WorkerHost.PRODUCTION))))));
        routing.get(PREFIX + "/workers/{name}/tail", this::tail);
        routing.post(PREFIX + "/workers/{name}/rollback", (request, response) -> write(request, response, (session, form) -> {
            String worker = worker(request);
            String environment = environment(form.getOrDefault("env", WorkerHost.PRODUCTION));
            act(session, () -> {
                VersionInfo now = source.rollback(worker, environment, version(form.get("version")));
                return "Rolled back " + worker + " in " + environment + ": version " + now.number() + " is current";
            });
            redirect(response, workerPath(worker, environment));
        }));
        routing.post(PREFIX + "/workers/{name}/split", (request, response) -> write(request, response, (session, form) -> {
            String worker = worker(request);
            String environment = environment(form.getOrDefault("env", WorkerHost.PRODUCTION));
            act(session, () -> {
                String message = form.getOrDefault("message", "").isBlank() ? null : form.get("message").strip();
                TrafficSplit split = source.deploySplit(worker, environment,
                        TrafficSplit.parse(List.of(form.getOrDefault("versions", "")), message));
                return "Deployed " + worker + " in " + environment + ": " + split.describe();
            });
            redirect(response, workerPath(worker, environment));
        }));
        routing.post(PREFIX + "/workers/{name}/promote", (request, response) -> write(request, response, (session, form) -> {
            String worker = worker(request);
            String from = environment(form.getOrDefault("from", ""));
            String to = environment(form.getOrDefault("to", WorkerHost.PRODUCTION));
            String versionText = form.getOrDefault("version", "").strip();
            act(session, () -> {
                VersionInfo made = source.promote(worker, from, versionText.isEmpty() ? null : version(versionText), to);
                return "Promoted " + worker + " from " + from + " to " + to + ": version " + made.number() + " of " + to;
            });
            redirect(response, workerPath(worker, to));
        }));
        routing.any(PREFIX + "/*", (request, response) -> {
            String message = "No dashboard page at " + request.path().path();
            if (loopbackOpen) {
                text(response, 404, message); // no login form: there is no login
            } else {
                html(response, 404, layout.login(message));
            }
        });
    }

    private interface Page {
        Optional<String> render(Sessions.Session session);
    }

    private interface Write {
        void run(Sessions.Session session, Map<String, String> form) throws IOException;
    }

    private interface Action {
        String run();
    }

    private interface Send {
        void run();
    }

    private void page(ServerRequest request, ServerResponse response, Page page) {
        Optional<Sessions.Session> session = session(request, response);
        if (session.isEmpty()) {
            if (request.headers().contains(HeaderNames.create("HX-Request"))) {
                // An htmx refresh of an expired session: htmx follows this header with a full page load.
                response.header("HX-Redirect", PREFIX + "/login");
                html(response, 401, "");
            } else {
                redirect(response, PREFIX + "/login");
            }
            return;
        }
        try {
            Optional<String> html = page.render(session.get());
            if (html.isEmpty()) {
                html(response, 404, layout.page("Not found", session.get().csrf(), null,
                        "<h1>Not found</h1><p>No such worker in that environment. <a href=\"/\">All workers</a></p>"));
            } else {
                html(response, 200, html.get());
            }
        } catch (BadInput e) {
            html(response, 400, layout.page("Bad request", session.get().csrf(), null, "<h1>Bad request</h1><p>"
                    + Html.esc(e.getMessage()) + "</p>"));
        }
    }

    private void login(ServerRequest request, ServerResponse response) {
        if (!sameOrigin(request)) {
            text(response, 403, "Refused: the login form was posted from another site");
            return;
        }
        Map<String, String> form;
        try {
            form = form(request);
        } catch (BadInput e) {
            html(response, 400, layout.login(e.getMessage()));
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String token = form.getOrDefault("token", "").strip();
        if (token.isEmpty() || !tokenCheck.test(token)) {
            LOG.log(Level.INFO, "dashboard login refused: wrong admin token from " + request.remotePeer().address());
            html(response, 401, layout.login("Wrong admin token: use the token of --token-file or JWORKERS_ADMIN_TOKEN."));
            return;
        }
        // Always a new session, never one the browser brought along (session fixation).
        session(request).ifPresent(sessions::end);
        Sessions.Session session = sessions.create();
        response.header(HeaderNames.SET_COOKIE, cookie(request, session.id(), -1));
        redirect(response, "/");
    }

    private void write(ServerRequest request, ServerResponse response, Write write) {
        Optional<Sessions.Session> session = session(request);
        if (session.isEmpty()) {
            text(response, 403, loopbackOpen ? CSRF_REFUSED
                    : "Refused: not logged in (or the session expired); log in at " + PREFIX + "/login");
            return;
        }
        try {
            Map<String, String> form = form(request);
            String presented = request.headers().first(HeaderNames.create(Layout.CSRF_HEADER)).orElse(form.get(Layout.CSRF_FIELD));
            if (!sameOrigin(request) || !session.get().csrfMatches(presented)) {
                LOG.log(Level.INFO, "dashboard write refused: missing or wrong CSRF token at " + request.path().path());
                text(response, 403, CSRF_REFUSED);
                return;
            }
            write.run(session.get(), form);
        } catch (BadInput e) {
            text(response, 400, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // The outcome of an action is shown on the page the browser is sent back to.
    private static void act(Sessions.Session session, Action action) {
        try {
            session.flash(action.run());
        } catch (DeployRejectedException | DeploymentException
                | IllegalArgumentException | UnsupportedOperationException e) {
            session.flash("Refused: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "dashboard action failed", e);
            session.flash("Refused: the action failed: " + e.getMessage());
        }
    }

    private void tail(ServerRequest request, ServerResponse response) {
        Optional<Sessions.Session> session = session(request, response);
        if (session.isEmpty()) {
            text(response, 401, "not logged in");
            return;
        }
        LiveTail source = tail;
        if (source == null) {
            text(response, 404, "Live logs are not available on this host");
            return;
        }
        String worker;
        String environment;
        try {
            worker = worker(request);
            environment = environment(request.query().first("env").orElse(WorkerHost.PRODUCTION));
        } catch (BadInput e) {
            text(response, 400, e.getMessage());
            return;
        }
        BlockingQueue<String> events = new ArrayBlockingQueue<>(MAX_QUEUED_EVENTS);
        AutoCloseable listening;
        try {
            // A browser slower than the worker loses lines rather than holding the worker up.
            listening = source.open(worker, environment, events::offer);
        } catch (IllegalStateException e) {
            text(response, 503, e.getMessage());
            return;
        }
        response.header("content-type", "text/event-stream; charset=utf-8");
        response.header("cache-control", "no-store");
        try (listening; OutputStream out = response.outputStream()) {
            out.write(": connected\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String event = events.poll(15, TimeUnit.SECONDS);
                // A comment line now and then finds out that the browser has gone (the write fails).
                String frame = event == null ? ": keep-alive\n\n" : "data: " + LogEvents.html(event).replace("\n", "\ndata: ") + "\n\n";
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "live logs of " + worker + " ended: " + e.getMessage());
        }
    }

    private Optional<Sessions.Session> session(ServerRequest request) {
        return sessions.find(request.headers().cookies().first(COOKIE).orElse(null));
    }

    // A page's session; without a login, a browser without one gets a new one (and its cookie) here.
    private Optional<Sessions.Session> session(ServerRequest request, ServerResponse response) {
        Optional<Sessions.Session> found = session(request);
        if (found.isPresent() || !loopbackOpen) {
            return found;
        }
        Sessions.Session session = sessions.create();
        response.header(HeaderNames.SET_COOKIE, cookie(request, session.id(), -1));
        return Optional.of(session);
    }

    // The cookie holds only the session's random id; Secure when the browser came over https.
    private static String cookie(ServerRequest request, String value, int maxAge) {
        return COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (request.isSecure() ? "; Secure" : "")
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    // A second line behind SameSite=Strict and the CSRF token: a browser's POST from another
    // origin says so in Origin, which must then name this host.
    private static boolean sameOrigin(ServerRequest request) {
        Optional<String> origin = request.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty() || origin.get().equals("null")) {
            return origin.isEmpty();
        }
        String host = request.headers().first(HeaderNames.HOST).orElse("");
        try {
            URI uri = URI.create(origin.get());
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority != null && authority.equalsIgnoreCase(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, String> form(ServerRequest request) throws IOException {
        byte[] bytes = request.content().inputStream().readNBytes(MAX_FORM_BYTES + 1);
        if (bytes.length > MAX_FORM_BYTES) {
            throw new BadInput("The form is larger than " + MAX_FORM_BYTES + " bytes");
        }
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(bytes, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                form.putIfAbsent(name, value);
            } catch (IllegalArgumentException e) {
                throw new BadInput("The form is not URL-encoded");
            }
        }
        return form;
    }

    private static String worker(ServerRequest request) {
        String name = request.path().pathParameters().get("name");
        if (!NameRules.WORKER_NAME.matcher(name).matches()) {
            throw new BadInput("Invalid worker name: " + NameRules.WORKER_NAME_RULE);
        }
        return name;
    }

    private static String environment(String name) {
        if (!NameRules.ENVIRONMENT_NAME.matcher(name).matches()) {
            throw new BadInput("Invalid environment name: " + NameRules.ENVIRONMENT_NAME_RULE);
        }
        return name;
    }

    private static int version(String text) {
        if (text == null || !text.strip().matches("[0-9]{1,9}") || Integer.parseInt(text.strip()) < 1) {
            throw new BadInput("A version is a positive number, not \"" + text + "\"");
        }
        return Integer.parseInt(text.strip());
    }

    private static String workerPath(String worker, String environment) {
        return PREFIX + "/workers/" + Html.query(worker) + "?env=" + Html.query(environment);
    }

    private static void redirect(ServerResponse response, String location) {
        response.status(303);
        response.header(HeaderNames.LOCATION, location);
        response.send();
    }

    private static void secure(ServerResponse response, Send send) {
        response.header("x-content-type-options", "nosniff");
        send.run();
    }

    private static void html(ServerResponse response, int status, String html) {
        response.status(status);
        response.header("content-type", "text/html; charset=utf-8");
        response.header("cache-control", "no-store");
        response.header("x-frame-options", "DENY");
        response.header("referrer-policy", "same-origin");
        // Scripts only from this host; htmx and uPlot set styles, so inline styles are allowed.
        response.header("content-security-policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                + " img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        response.send(html);
    }

    private static void text(ServerResponse response, int status, String text) {
        response.status(status);
        response.header("content-type", "text/plain; charset=utf-8");
        response.header("cache-control", "no-store");
        response.send(text + "\n");
    }

    /** A request parameter that is not what a page or an action takes: a 400. */
    private static final class BadInput extends RuntimeException {
        BadInput(String message) {
            super(message);
        }
    }
}
