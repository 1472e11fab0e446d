package io.jworkers.runtime.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logged-in sessions, kept on the server: the browser holds only a random id
 * (256 bits) in an HttpOnly cookie. A session ends at logout, after {@link #IDLE} without a
 * request, or {@link #MAX_AGE} after login, whichever comes first; each has its own CSRF token.
 * Sessions live in this host's memory: a restart logs everyone out, which is what a host that
 * just restarted with a new admin token should do anyway.
 */
final class Sessions {

    /** A session unused this long ends. */
    static final Duration IDLE = Duration.ofMinutes(30);
    /** No session outlives this, however busy. */
    static final Duration MAX_AGE = Duration.ofHours(12);
    // Bounds the memory a flood of logins can take; the oldest sessions go first.
    private static final int MAX_SESSIONS = 1000;

    // Made on the first session, not when a host starts: the security providers' set-up is about
    // 20 ms of a start's critical path, for a dashboard that may never be opened.
    private static final class Entropy {
        static final SecureRandom SOURCE = new SecureRandom();
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    /** One logged-in browser. */
    static final class Session {
        private final String id;
        private final String csrf;
        private final Instant createdAt;
        private volatile Instant lastUsed;
        private volatile String flash;

        private Session(String id, String csrf, Instant now) {
            this.id = id;
            this.csrf = csrf;
            this.createdAt = now;
            this.lastUsed = now;
        }

        String id() {
            return id;
        }

        /** The token every write of this session must carry. */
        String csrf() {
            return csrf;
        }

        /** Whether a presented CSRF token is this session's, compared in constant time. */
        boolean csrfMatches(String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }

        /** Keeps a message for the next page this session sees (the outcome of an action). */
        void flash(String message) {
            flash = message;
        }

        /** The message kept for this page, once. */
        Optional<String> takeFlash() {
            String message = flash;
            flash = null;
            return Optional.ofNullable(message);
        }
    }

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session, after a good login. */
    Session create() {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> expired(session, now));
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(java.util.Comparator.comparing(s -> s.lastUsed))
                    .ifPresent(oldest -> sessions.remove(oldest.id));
        }
        Session session = new Session(random(), random(), now);
        sessions.put(session.id, session);
        return session;
    }

    /** The live session with this id, now marked as used; empty for an unknown or expired one. */
    Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        session.lastUsed = now;
        return Optional.of(session);
    }

    /** Ends a session (logout). */
    void end(Session session) {
        sessions.remove(session.id);
    }

    private static boolean expired(Session session, Instant now) {
        return now.isAfter(session.lastUsed.plus(IDLE)) || now.isAfter(session.createdAt.plus(MAX_AGE));
    }

    private static String random() {
        byte[] bytes = new byte[32];
        Entropy.SOURCE.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
