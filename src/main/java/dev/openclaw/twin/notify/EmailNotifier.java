package dev.openclaw.twin.notify;

import dev.openclaw.twin.config.TwinsConfig;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Optional;
import java.util.Properties;

/**
 * Email over SMTP (Angus Mail): STARTTLS (required, not opportunistic), implicit TLS, or plain for
 * a relay on the same host; authenticated when a username is set. Certificates are verified.
 */
public final class EmailNotifier implements Notifier {

    private static final String TIMEOUT_MS = "10000";

    private final TwinsConfig.Email config;
    private final Session session;

    public EmailNotifier(TwinsConfig.Email config) {
        this(config, Optional.empty());
    }

    /** @param trustedHost a host whose certificate is trusted as is (tests with a self-signed server) */
    EmailNotifier(TwinsConfig.Email config, Optional<String> trustedHost) {
        this.config = config;
        Properties props = new Properties();
        String protocol = config.security() == TwinsConfig.EmailSecurity.TLS ? "smtps" : "smtp";
        String p = "mail." + protocol + ".";
        props.put("mail.transport.protocol", protocol);
        // Transport.send picks the transport by address type: make email addresses use ours.
        props.put("mail.transport.protocol.rfc822", protocol);
        props.put(p + "host", config.smtpHost());
        props.put(p + "port", String.valueOf(config.smtpPort()));
        props.put(p + "connectiontimeout", TIMEOUT_MS);
        props.put(p + "timeout", TIMEOUT_MS);
        props.put(p + "writetimeout", TIMEOUT_MS);
        props.put(p + "auth", String.valueOf(config.username().isPresent()));
        switch (config.security()) {
            case STARTTLS -> {
                props.put(p + "starttls.enable", "true");
                props.put(p + "starttls.required", "true");
                props.put(p + "ssl.checkserveridentity", "true");
            }
            case TLS -> {
                props.put(p + "ssl.enable", "true");
                props.put(p + "ssl.checkserveridentity", "true");
            }
            case NONE -> {}
        }
        trustedHost.ifPresent(host -> {
            props.put(p + "ssl.trust", host);
            props.put(p + "ssl.checkserveridentity", "false");
        });
        Authenticator authenticator = config.username()
                .map(user -> (Authenticator) new Authenticator() {
                    @Override
                    protected PasswordAuthentication getPasswordAuthentication() {
                        return new PasswordAuthentication(
                                user, config.password().map(s -> s.value()).orElse(""));
                    }
                })
                .orElse(null);
        this.session = Session.getInstance(props, authenticator);
    }

    @Override
    public String channel() {
        return "email";
    }

    @Override
    public void send(Alert alert) throws NotifyException {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(config.from()));
            message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(String.join(",", config.to())));
            message.setSubject("[openclaw-twin] " + alert.headline(), "UTF-8");
            message.setText(alert.message(), "UTF-8");
            message.setSentDate(Date.from(alert.at()));
            message.setHeader(
                    "X-Openclaw-Twin-Alert", alert.key() + " " + alert.state().word());
            Transport.send(message);
        } catch (jakarta.mail.AuthenticationFailedException e) {
            throw new NotifyException("email: the SMTP server refused the login", false, e);
        } catch (MessagingException e) {
            throw new NotifyException("email: " + e.getMessage(), true, e);
        }
    }
}
