package io.jworkers.runtime.deploy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which versions of a worker environment take traffic, and how much each takes: one version at
 * 100 %, or two versions whose percentages sum to 100 (a gradual deployment; 0 % is allowed, so a
 * version can be reached by overrides alone). Percentages are whole numbers.
 *
 * <p>The newer version of a split takes the low end of the key space (see {@code VersionChoice}),
 * so a key that reached it keeps reaching it while its share grows.
 *
 * @param shares the versions with their percentages, newest version first
 * @param message the deployment's message ({@code versions deploy --message}), or {@code null}
 */
public record TrafficSplit(List<Share> shares, String message) {

    /**
     * One version's share of the traffic.
     *
     * @param version the version number
     * @param percent its share, 0 to 100
     */
    public record Share(int version, int percent) {
    }

    /**
     * Checks the split and orders it newest first.
     *
     * @throws IllegalArgumentException for no or more than two versions, a version twice, a
     *     percentage outside 0..100 or percentages that do not sum to 100
     */
    public TrafficSplit {
        if (shares.isEmpty() || shares.size() > 2) {
            throw new IllegalArgumentException("a deployment has one or two versions, not " + shares.size());
        }
        List<Share> sorted = new ArrayList<>(shares);
        sorted.sort(Comparator.comparingInt(Share::version).reversed());
        int sum = 0;
        for (Share share : sorted) {
            if (share.version() < 1) {
                throw new IllegalArgumentException("version numbers start at 1, not " + share.version());
            }
            if (share.percent() < 0 || share.percent() > 100) {
                throw new IllegalArgumentException("version " + share.version() + " has " + share.percent()
                        + " %; a share is 0 to 100");
            }
            sum += share.percent();
        }
        if (sorted.size() == 2 && sorted.get(0).version() == sorted.get(1).version()) {
            throw new IllegalArgumentException("version " + sorted.get(0).version() + " is named twice");
        }
        if (sum != 100) {
            throw new IllegalArgumentException("the percentages sum to " + sum + ", not 100");
        }
        shares = List.copyOf(sorted);
    }

    /**
     * One version taking all traffic.
     *
     * @param version the version
     * @return the split
     */
    public static TrafficSplit single(int version) {
        return new TrafficSplit(List.of(new Share(version, 100)), null);
    }

    /**
     * The version most traffic reaches (of two at 50 %, the newer): the one a worker
     * environment's "current version" means, whose routes serve and whose secrets a new version
     * starts from.
     *
     * @return the version number
     */
    public int primary() {
        Share newer = shares.get(0);
        return shares.size() == 1 || newer.percent() >= shares.get(1).percent() ? newer.version() : shares.get(1).version();
    }

    /**
     * Whether two versions share the traffic.
     *
     * @return {@code true} for two versions
     */
    public boolean isSplit() {
        return shares.size() == 2;
    }

    /**
     * The versions, newest first.
     *
     * @return the numbers
     */
    public List<Integer> versions() {
        return shares.stream().map(Share::version).toList();
    }

    /**
     * The share of a version.
     *
     * @param version the version
     * @return its percentage, or -1 when it is not part of the split
     */
    public int percentOf(int version) {
        for (Share share : shares) {
            if (share.version() == version) {
                return share.percent();
            }
        }
        return -1;
    }

    /**
     * Whether another split sends the same versions the same traffic (messages aside).
     *
     * @param other the other split
     * @return {@code true} when the shares are equal
     */
    public boolean sameShares(TrafficSplit other) {
        return other != null && shares.equals(other.shares);
    }

    /**
     * The split as the CLI writes it: {@code 4@10 3@90}, newest first.
     *
     * @return the text
     */
    public String describe() {
        StringBuilder text = new StringBuilder();
        for (Share share : shares) {
            text.append(text.isEmpty() ? "" : " ").append(share.version()).append('@').append(share.percent());
        }
        return text.toString();
    }

    /** The split as {@link #describe()} writes it. */
    @Override
    public String toString() {
        return describe() + (message == null ? "" : " (" + message + ")");
    }
}
