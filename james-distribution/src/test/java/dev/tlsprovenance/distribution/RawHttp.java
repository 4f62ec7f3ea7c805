package dev.tlsprovenance.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a plain socket, for requests java.net.http will not send: any {@code Host} header (or none), any
 * method. One request per connection ({@code Connection: close}); the response is read to the end.
 */
final class RawHttp {
    private RawHttp() {
    }

    record Reply(int status, Map<String, List<String>> headers, String body) {
        /** Header names in lower case. */
        List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        List<String> accessControlHeaders() {
            return headers.keySet().stream().filter(name -> name.startsWith("access-control-")).toList();
        }
    }

    /**
     * Sends {@code method path version} with exactly the given header lines (in order; a null host sends no Host
     * line) and the body, if any, with its Content-Length.
     */
    static Reply send(int port, String version, String method, String path, String host, List<String> headerLines, String body)
            throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " " + version + "\r\n");
        if (host != null) {
            request.append("Host: ").append(host).append("\r\n");
        }
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(content.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            return parse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        }
    }

    static Reply send(int port, String method, String path, String host, List<String> headerLines, String body) throws IOException {
        return send(port, "HTTP/1.1", method, path, host, headerLines, body);
    }

    private static Reply parse(String response) {
        int end = response.indexOf("\r\n\r\n");
        if (!response.startsWith("HTTP/") || end < 0) {
            throw new AssertionError("not an HTTP response: " + response);
        }
        String[] lines = response.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                .add(lines[i].substring(colon + 1).strip());
        }
        String body = response.substring(end + 4);
        boolean chunked = headers.getOrDefault("transfer-encoding", List.of()).stream().anyMatch(v -> v.equalsIgnoreCase("chunked"));
        return new Reply(status, headers, chunked ? dechunk(body) : body);
    }

    private static String dechunk(String body) {
        StringBuilder content = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                return content.toString();
            }
            content.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
