package dev.switchboard.router.usage;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Kafka record as the usage spool keeps it: key, headers (the trace context) and value, so the
 * record sent after a restart is the one the request produced. Layout (big-endian):
 * {@code [int keyLength][key UTF-8][int headerCount]{[int length][name][int length][value]}[value…]}.
 */
final class SpooledRecord {

    private SpooledRecord() {}

    static byte[] encode(ProducerRecord<String, byte[]> record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(record.value().length + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8));
            Header[] headers = record.headers().toArray();
            out.writeInt(headers.length);
            for (Header h : headers) {
                writeBytes(out, h.key().getBytes(StandardCharsets.UTF_8));
                writeBytes(out, h.value());
            }
            out.write(record.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ProducerRecord<String, byte[]> decode(String topic, byte[] spooled) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(spooled))) {
            byte[] key = readBytes(in);
            int headerCount = in.readInt();
            String[] names = new String[headerCount];
            byte[][] values = new byte[headerCount][];
            for (int i = 0; i < headerCount; i++) {
                names[i] = new String(readBytes(in), StandardCharsets.UTF_8);
                values[i] = readBytes(in);
            }
            byte[] value = in.readAllBytes();
            ProducerRecord<String, byte[]> record =
                    new ProducerRecord<>(topic, key == null ? null : new String(key, StandardCharsets.UTF_8), value);
            for (int i = 0; i < headerCount; i++) {
                record.headers().add(names[i], values[i]);
            }
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException("a spooled usage record that cannot be read", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        return in.readNBytes(length);
    }
}
