package dev.tlsprovenance.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordKeyFileTest {
    @TempDir
    Path directory;

    private Path keyFile() {
        return directory.resolve("var").resolve("tls-provenance").resolve("record-key");
    }

    @Test
    void theFirstStartGeneratesAnOwnerOnlyKeyAndLaterStartsReadTheSameOne() throws Exception {
        RecordSeal first = RecordKeyFile.loadOrCreate(keyFile());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile().getParent()))).isEqualTo("rwx------");
        List<String> secretLines = new ArrayList<>();
        for (String line : Files.readAllLines(keyFile())) {
            if (!line.startsWith("#")) {
                secretLines.add(line);
            }
        }
        assertThat(secretLines).singleElement().satisfies(line -> assertThat(Base64.getDecoder().decode(line)).hasSize(32));
        assertThat(Files.readString(keyFile())).contains("# Key id " + first.currentKeyId() + ".");
        try (var files = Files.list(keyFile().getParent())) {
            assertThat(files).as("no temporary file is left behind").containsExactly(keyFile());
        }

        assertThat(RecordKeyFile.loadOrCreate(keyFile()).currentKeyId()).isEqualTo(first.currentKeyId());
    }

    @Test
    void anExistingKeyFileIsNeverOverwritten() throws Exception {
        Files.createDirectories(keyFile().getParent());
        String existing = Base64.getEncoder().encodeToString(new byte[40]) + "\n";
        Files.writeString(keyFile(), existing);
        Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-------"));

        assertThat(RecordKeyFile.create(keyFile(), new SecureRandom())).isFalse();
        assertThat(Files.readString(keyFile())).isEqualTo(existing);
        assertThat(RecordKeyFile.loadOrCreate(keyFile()).currentKeyId()).isEqualTo(RecordSeal.of(new byte[40]).currentKeyId());
    }

    @Test
    void nodesStartingTogetherOnOneVarAgreeOnOneKey() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> starts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                starts.add(() -> RecordKeyFile.loadOrCreate(keyFile()).currentKeyId());
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> id : pool.invokeAll(starts, 30, TimeUnit.SECONDS)) {
                ids.add(id.get());
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyFileWithSeveralSecretsKeepsTheOlderOnesForVerification() throws Exception {
        byte[] current = "the new secret of this deployment, 32+ bytes".getBytes(StandardCharsets.US_ASCII);
        byte[] previous = "the old secret of this deployment, 32+ bytes".getBytes(StandardCharsets.US_ASCII);
        Path file = ownerOnly("# rotated on 2026-12-01\n" + Base64.getEncoder().encodeToString(current) + "\n\n"
            + Base64.getEncoder().encodeToString(previous) + "\n");

        assertThat(RecordKeyFile.load(file).keyIds())
            .containsExactly(RecordSeal.of(current).currentKeyId(), RecordSeal.of(previous).currentKeyId());
    }

    @Test
    void badKeyFilesAreRefusedNamingTheFileAndTheProblem() throws Exception {
        Path missing = directory.resolve("missing");
        assertThatThrownBy(() -> RecordKeyFile.load(missing))
            .isInstanceOf(RecordKeyException.class).hasMessage("Record key file " + missing + ": the file does not exist");

        Path tooShort = ownerOnly(Base64.getEncoder().encodeToString(new byte[16]) + "\n");
        assertThatThrownBy(() -> RecordKeyFile.load(tooShort)).hasMessage("Record key file " + tooShort
            + ": line 1 holds a secret of 16 bytes; at least 32 are needed (e.g. openssl rand -base64 32)");

        Path notBase64 = ownerOnly("# comment\nnot base64 at all!\n");
        assertThatThrownBy(() -> RecordKeyFile.load(notBase64))
            .hasMessage("Record key file " + notBase64 + ": line 2 is not a base64 secret");

        Path empty = ownerOnly("# nothing but a comment\n\n");
        assertThatThrownBy(() -> RecordKeyFile.load(empty)).hasMessageStartingWith("Record key file " + empty + ": the file holds no secret");

        Path directoryInstead = Files.createDirectories(directory.resolve("a-directory"));
        Files.setPosixFilePermissions(directoryInstead, PosixFilePermissions.fromString("rwx------"));
        assertThatThrownBy(() -> RecordKeyFile.load(directoryInstead)).hasMessageStartingWith("Record key file " + directoryInstead + ": cannot read it");
    }

    @Test
    void aKeyReadableByGroupOrOthersIsRefused() throws Exception {
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----", "rw-----w-", "rw-------", "r--r--r--")) {
            Path file = ownerOnly(Base64.getEncoder().encodeToString(new byte[32]) + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            if (mode.equals("rw-------")) {
                assertThat(RecordKeyFile.load(file).keyIds()).hasSize(1);
                continue;
            }
            assertThatThrownBy(() -> RecordKeyFile.load(file)).as(mode)
                .hasMessage("Record key file " + file + ": its mode is " + mode
                    + ", but a secret must be readable by its owner only: chmod 600 " + file);
        }
        Path readOnly = ownerOnly(Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--------"));
        assertThat(RecordKeyFile.load(readOnly).keyIds()).as("0400 is fine too").hasSize(1);
    }

    private Path ownerOnly(String content) throws Exception {
        Path file = Files.createTempFile(directory, "key", "");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
