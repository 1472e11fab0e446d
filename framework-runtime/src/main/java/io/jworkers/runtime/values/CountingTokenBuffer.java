package io.jworkers.runtime.values;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * A token buffer that keeps an estimate of the copied size (strings, binary data and 8 bytes
 * per number or boolean) and refuses to grow past a limit, so that one huge value cannot exhaust
 * the host's memory.
 */
final class CountingTokenBuffer extends TokenBuffer {

    private final long limit;
    private long size;

    CountingTokenBuffer(ObjectCodec codec, long limit) {
        super(codec, false);
        this.limit = limit;
    }

    private void add(long bytes) throws IOException {
        size += bytes;
        if (size > limit) {
            throw new CopyTooLargeException(limit);
        }
    }

    @Override
    public void writeString(String text) throws IOException {
        add(text == null ? 8 : text.length());
        super.writeString(text);
    }

    @Override
    public void writeBinary(Base64Variant variant, byte[] data, int offset, int length) throws IOException {
        add(length);
        super.writeBinary(variant, data, offset, length);
    }

    @Override
    public void writeNumber(int value) throws IOException {
        add(8);
        super.writeNumber(value);
    }

    @Override
    public void writeNumber(long value) throws IOException {
        add(8);
        super.writeNumber(value);
    }

    @Override
    public void writeNumber(double value) throws IOException {
        add(8);
        super.writeNumber(value);
    }

    @Override
    public void writeBoolean(boolean state) throws IOException {
        add(8);
        super.writeBoolean(state);
    }

    /** The copy would exceed the limit. */
    static final class CopyTooLargeException extends IOException {
        CopyTooLargeException(long limit) {
            super("the copy is larger than " + (limit / (1024 * 1024)) + " MiB; send large data as a Request or"
                    + " Response body, which streams instead of being copied");
        }
    }
}
