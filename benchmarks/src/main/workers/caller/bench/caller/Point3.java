package bench.caller;

/** The caller's own 3-field record; the calc worker has another class of the same shape. */
public record Point3(int x, int y, int z) {
}
