package dev.openclaw.twin.demo.openclaw;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A person in the channel: a plain IRC connection that speaks and records what everyone says. */
public final class IrcClient implements AutoCloseable {

    /** One line said in the channel. */
    public record Line(String nick, String text, long atNanos) {}

    private final Socket socket;
    private final Writer out;
    private final List<Line> transcript = new CopyOnWriteArrayList<>();
    private final List<String> names = new CopyOnWriteArrayList<>();
    private final String channel;
    private final Thread reader;

    public IrcClient(int port, String nick, String channel) throws IOException {
        this.channel = channel;
        socket = new Socket("127.0.0.1", port);
        out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        send("NICK " + nick);
        send("USER " + nick + " 0 * :" + nick);
        send("JOIN " + channel);
        reader = Thread.ofVirtual().start(() -> read(in));
    }

    private void read(BufferedReader in) {
        try {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("PING")) {
                    send("PONG" + line.substring(4));
                    continue;
                }
                String[] parts = line.split(" ", 4);
                if (parts.length == 4 && parts[1].equals("PRIVMSG") && parts[2].equalsIgnoreCase(channel)) {
                    String nick =
                            parts[0].substring(1, parts[0].contains("!") ? parts[0].indexOf('!') : parts[0].length());
                    transcript.add(new Line(
                            nick, parts[3].startsWith(":") ? parts[3].substring(1) : parts[3], System.nanoTime()));
                } else if (parts.length >= 2 && (parts[1].equals("JOIN") || parts[1].equals("353"))) {
                    names.add(line);
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    public synchronized void send(String raw) {
        try {
            out.write(raw + "\r\n");
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public void say(String text) {
        send("PRIVMSG " + channel + " :" + text);
    }

    /** Whether {@code nick} has joined the channel (asks the server for the names list). */
    public boolean present(String nick) {
        send("NAMES " + channel);
        return names.stream().anyMatch(l -> l.matches("(?i).*[ :@+]" + nick + "( .*|!.*|$)"));
    }

    public List<Line> transcript() {
        return List.copyOf(transcript);
    }

    /** Lines said since {@code startNanos} by anyone but {@code except}. */
    public List<Line> since(long startNanos, String except) {
        return transcript.stream()
                .filter(l -> l.atNanos() >= startNanos && !l.nick().equals(except))
                .toList();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
