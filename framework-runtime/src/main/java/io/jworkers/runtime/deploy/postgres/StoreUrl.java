package io.jworkers.runtime.deploy.postgres;

import io.jworkers.runtime.deploy.DeploymentException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a PostgreSQL store is, from {@code --store}: {@code postgresql://USER@HOST:PORT/DB} (as
 * {@code psql} takes it; the port defaults to 5432) or a JDBC URL
 * {@code jdbc:postgresql://HOST:PORT/DB?user=USER}. A password in the URL is refused: it would show
 * in process listings; it comes from {@code PGPASSWORD} or {@code --store-password-file}.
 *
 * @param jdbcUrl the JDBC URL the driver connects to
 * @param user the user, or {@code null} when the JDBC URL carries it
 * @param display the URL to show in logs and messages
 */
public record StoreUrl(String jdbcUrl, String user, String display) {

    /**
     * Parses {@code --store}.
     *
     * @param text the option's value
     * @return the store's address
     * @throws DeploymentException if it is neither form, or it holds a password
     */
    public static StoreUrl parse(String text) {
        if (text.startsWith("jdbc:postgresql:")) {
            if (text.contains("password=")) {
                throw passwordInUrl();
            }
            return new StoreUrl(text, null, text);
        }
        if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
            throw new DeploymentException("--store " + text + ": expected postgresql://USER@HOST:PORT/DB or a JDBC URL"
                    + " jdbc:postgresql://HOST:PORT/DB");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new DeploymentException("--store " + text + ": not a URL (" + e.getReason() + ")");
        }
        String userInfo = uri.getUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw passwordInUrl();
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new DeploymentException("--store " + text + ": expected postgresql://USER@HOST:PORT/DB, with a host and a database");
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new StoreUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query, userInfo,
                "postgresql://" + (userInfo == null ? "" : userInfo + "@") + uri.getHost() + ":" + port + uri.getRawPath());
    }

    private static DeploymentException passwordInUrl() {
        return new DeploymentException("--store must not hold a password (process listings show it): give it in the"
                + " PGPASSWORD environment variable or a file named by --store-password-file");
    }
}
