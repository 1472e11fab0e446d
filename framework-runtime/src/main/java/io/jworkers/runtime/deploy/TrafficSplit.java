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
     * Reads a split as the CLI takes it: {@code 4@10 3@90}; a version without a percentage
     * ({@code 4} or {@code 4@}) takes what the other leaves, and a single version takes 100 %.
     * A trailing {@code %} is allowed ({@code 4@10%}).
     *
     * @param specs one or two {@code VERSION@PERCENT} words (commas or spaces may also separate them within a word)
     * @param message the deployment's message, or {@code null}
     * @return the split
     * @throws IllegalArgumentException saying what is wrong with the words
     */
    public static TrafficSplit parse(List<String> specs, String message) {
        List<String> words = new ArrayList<>();
        for (String spec : specs) {
            for (String word : spec.trim().split("[,\\s]+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        if (words.isEmpty() || words.size() > 2) {
            throw new IllegalArgumentException("name one or two versions, e.g. 4@10 3@90 (a deployment has at most two), not "
                    + (words.isEmpty() ? "none" : String.join(" ", words)));
        }
        int[] versions = new int[words.size()];
        Integer[] percents = new Integer[words.size()];
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            java.util.regex.Matcher match = java.util.regex.Pattern.compile("(\\d{1,9})(?:@(\\d{1,3}(?:\\.\\d+)?)?%?)?").matcher(word);
            if (!match.matches()) {
                throw new IllegalArgumentException("\"" + word + "\" is not VERSION@PERCENT (e.g. 4@10)");
            }
            versions[i] = Integer.parseInt(match.group(1));
            String percent = match.group(2);
            if (percent != null && percent.contains(".")) {
                throw new IllegalArgumentException("\"" + word + "\": shares are whole percentages");
            }
            percents[i] = percent == null ? null : Integer.valueOf(percent);
        }
        if (words.size() == 1) {
            int percent = percents[0] == null ? 100 : percents[0];
            if (percent != 100) {
                throw new IllegalArgumentException("version " + versions[0] + " alone takes 100 %, not " + percent
                        + " %; name a second version for the rest (e.g. " + versions[0] + "@" + percent + " OTHER@" + (100 - percent) + ")");
            }
            return new TrafficSplit(List.of(new Share(versions[0], 100)), message);
        }
        if (percents[0] == null && percents[1] == null) {
            throw new IllegalArgumentException("give at least one of the two percentages, e.g. " + versions[0] + "@90 " + versions[1]);
        }
        int first = percents[0] != null ? percents[0] : 100 - percents[1];
        int second = percents[1] != null ? percents[1] : 100 - percents[0];
        return new TrafficSplit(List.of(new Share(versions[0], first), new Share(versions[1], second)), message);
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
