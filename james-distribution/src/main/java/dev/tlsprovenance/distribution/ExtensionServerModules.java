package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Module;

/**
 * Server-assembly overrides shipped in the extension jar. James installs {@code extensions.properties} modules only
 * in the child injector that builds hooks and mailets, too late to change how SMTP listeners are built; the
 * "want client certificate" listener ({@code <tls wantClientAuth="true">}) needs James's {@code SMTPServerFactory}
 * replaced in the server's own injector. The extension stays in {@code extensions-jars/} (never in {@code lib/}):
 * this class reads that one module from there with a class loader of its own.
 */
final class ExtensionServerModules {
    static final String WANT_CLIENT_AUTH_MODULE = "dev.tlsprovenance.smtpserver.WantClientAuthSmtpModule";
    private static final Logger LOGGER = LoggerFactory.getLogger(ExtensionServerModules.class);

    private ExtensionServerModules() {
    }

    static Optional<Module> wantClientAuth(Path workingDirectory) {
        Path extensions = workingDirectory.resolve("extensions-jars");
        if (!Files.isDirectory(extensions)) {
            return Optional.empty();
        }
        URL[] jars;
        try (Stream<Path> files = Files.walk(extensions)) {
            List<Path> found = files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
            jars = new URL[found.size()];
            for (int i = 0; i < jars.length; i++) {
                jars[i] = found.get(i).toUri().toURL();
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + extensions, e);
        }
        // Not closed: the server keeps using the classes it loads for as long as it runs.
        URLClassLoader loader = new URLClassLoader(jars, ExtensionServerModules.class.getClassLoader());
        try {
            Module module = (Module) loader.loadClass(WANT_CLIENT_AUTH_MODULE).getDeclaredConstructor().newInstance();
            LOGGER.info("SMTP listeners may request client certificates without demanding them (wantClientAuth): {} from {}",
                WANT_CLIENT_AUTH_MODULE, extensions);
            return Optional.of(module);
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + WANT_CLIENT_AUTH_MODULE, e);
        }
    }
}
