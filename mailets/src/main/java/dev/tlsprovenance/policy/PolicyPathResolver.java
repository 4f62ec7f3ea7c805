package dev.tlsprovenance.policy;

import java.nio.file.Path;

/** Turns a path written in the policy file ({@code client-ca=partner-ca.pem}) into a file to check and load. */
@FunctionalInterface
public interface PolicyPathResolver {
    Path resolve(String written);

    /** Absolute paths as written; relative ones against {@code directory} (normally the policy file's own). */
    static PolicyPathResolver relativeTo(Path directory) {
        return written -> directory.resolve(written).normalize();
    }
}
