// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.web;

import io.mypoll.bridge.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * One access token, read from {@code http.auth.tokenFile}, given as the
 * password of HTTP Basic authentication (any user name): browsers ask for it
 * themselves, and scripts send it with {@code curl -u :TOKEN}. TCP bridge
 * clients give it in a frame's {@code headers.token} ({@link #matches}).
 */
final class TokenAuthentication implements AuthenticationProvider {
    static final int MIN_LENGTH = 16;
    private final byte[] token;

    private TokenAuthentication(byte[] token) {
        this.token = token;
    }

    /** The token of the file: its first line, at least {@value #MIN_LENGTH} characters. */
    static TokenAuthentication fromFile(String file) {
        String key = "http.auth.tokenFile";
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
        }
        String line = text.lines().findFirst().orElse("").strip();
        if (line.length() < MIN_LENGTH) {
            throw new ConfigException(key, file + " must hold a token of at least " + MIN_LENGTH
                    + " characters on its first line (such as the output of: openssl rand -hex 24)");
        }
        return new TokenAuthentication(line.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether this is the token; compared in constant time, so the time taken tells nothing of it. */
    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
        if (credentials instanceof UsernamePasswordCredentials basic && matches(basic.getPassword())) {
            String name = basic.getUsername() == null || basic.getUsername().isEmpty() ? "token"
                    : basic.getUsername();
            return Future.succeededFuture(User.fromName(name));
        }
        return Future.failedFuture("wrong token");
    }
}
