package io.jworkers.runtime.deploy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM, for stores that several hosts share. Each sealed
 * value is {@code version byte, 12-byte random nonce, ciphertext with its 16-byte tag}; the
 * associated data names where the value belongs (worker, environment, version), so a value
 * copied to another row does not open.
 *
 * <p>The key is 32 random bytes, given base64-encoded (e.g. {@code openssl rand -base64 32}) in
 * a file ({@code --secret-key-file}) or in {@code JWORKERS_SECRET_KEY}.
 */
public final class SecretCipher {

    /** The environment variable the key may come from. */
    public static final String KEY_VARIABLE = "JWORKERS_SECRET_KEY";

    private static final byte FORMAT = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * A cipher with a key given as base64 text.
     *
     * @param base64 the key: 32 bytes, base64-encoded (surrounding white space ignored)
     * @param source where it came from, for the message
     * @return the cipher
     * @throws DeploymentException if it is not 32 bytes of base64
     */
    public static SecretCipher fromBase64(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new DeploymentException("The secret key in " + source + " is not base64. Make one with: openssl rand -base64 32");
        }
        if (key.length != 32) {
            throw new DeploymentException("The secret key in " + source + " is " + key.length + " bytes; AES-256 needs 32."
                    + " Make one with: openssl rand -base64 32");
        }
        return new SecretCipher(key);
    }

    /**
     * The key from {@code --secret-key-file}, else from {@value #KEY_VARIABLE}.
     *
     * @param keyFile the file, or {@code null}
     * @param environment the process's environment variables
     * @return the cipher, or {@code null} when neither gives a key
     * @throws DeploymentException if the file cannot be read or the key is malformed
     */
    public static SecretCipher load(Path keyFile, Map<String, String> environment) {
        if (keyFile != null) {
            try {
                return fromBase64(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile.toString());
            } catch (IOException e) {
                throw new DeploymentException("Cannot read the secret key file " + keyFile + ": " + e.getMessage());
            }
        }
        String value = environment.get(KEY_VARIABLE);
        return value == null || value.isBlank() ? null : fromBase64(value, KEY_VARIABLE);
    }

    /**
     * Seals a value.
     *
     * @param plain the value
     * @param place where it belongs, e.g. {@code "api/production/3"}
     * @return the sealed bytes
     */
    public byte[] seal(byte[] plain, String place) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(FORMAT).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK: " + e, e);
        }
    }

    /**
     * Opens a sealed value.
     *
     * @param sealed what {@link #seal} made
     * @param place where it was read from, as given to {@link #seal}
     * @return the value
     * @throws DamagedStateException if the key is not the one it was sealed with, or it was altered or moved
     */
    public byte[] open(byte[] sealed, String place) {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new DamagedStateException("The secrets of " + place + " are not in a format this jworkers reads");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(place.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new DamagedStateException("The secrets of " + place + " do not open with this host's secret key: every host"
                    + " of a store needs the same key (--secret-key-file or " + KEY_VARIABLE + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK: " + e, e);
        }
    }
}
