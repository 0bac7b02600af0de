// SPDX-License-Identifier: Apache-2.0
package io.mypoll.bridge.config;

import io.vertx.core.json.JsonObject;

/**
 * PEM files for TLS ({@code http.tls}, {@code cluster.tls}): both files or neither; none by default.
 *
 * @param trustFile the certificates of the peers to trust; null where peers are not checked
 */
public record TlsFiles(String certFile, String keyFile, String trustFile) {

    /** The section's keys, each empty: no TLS. {@code withTrust}: the trust file too. */
    static JsonObject defaults(boolean withTrust) {
        JsonObject keys = new JsonObject().put("certFile", "").put("keyFile", "");
        return withTrust ? keys.put("trustFile", "") : keys;
    }

    /** Null when none is set; {@code withTrust}: the trust file is needed too. */
    static TlsFiles from(Section tls, boolean withTrust) {
        String cert = tls.text("certFile", "");
        String key = tls.text("keyFile", "");
        String trust = withTrust ? tls.text("trustFile", "") : null;
        if (cert == null && key == null && trust == null) {
            return null;
        }
        if (cert == null || key == null || withTrust && trust == null) {
            throw new ConfigException(tls.key(cert == null ? "certFile" : key == null ? "keyFile" : "trustFile"),
                    "missing: TLS needs " + (withTrust ? "certFile, keyFile and trustFile" : "certFile and keyFile"));
        }
        return new TlsFiles(cert, key, trust);
    }
}
