package bench.calc;

/** The calc worker's own record: the caller's Point3 is copied into it by shape. */
public record Point3(int x, int y, int z) {
}
