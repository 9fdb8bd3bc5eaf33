package dev.llmsse.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.util.MimeType;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * The decoder of JSON request bodies: what a client sends means one thing or is refused with 400 (issue 18).
 * Duplicate keys fail (which of two {@code model}s would win depends on the parser), scalars are not
 * coerced ({@code "5"} is no number, {@code 1.5} no integer, {@code 5} no string), and the bytes must be
 * well-formed UTF-8: Jackson reads an overlong {@code C0 AF} as {@code /}, so the body is checked with the
 * JDK's strict UTF-8 decoder first (overlong forms, encoded surrogates, truncated sequences, stray bytes).
 * Lone surrogates written as {@code \}{@code u} escapes are refused where the text is validated
 * ({@code ChatRequests}). Only request bodies use it: responses and provider streams have their own codecs.
 */
final class StrictJsonDecoder extends JacksonJsonDecoder {

    StrictJsonDecoder() {
        super(JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build());
    }

    @Override
    public Object decode(DataBuffer buffer, ResolvableType targetType, MimeType mimeType, Map<String, Object> hints)
            throws DecodingException {
        try {
            requireUtf8(buffer);
        } catch (DecodingException malformed) {
            DataBufferUtils.release(buffer);
            throw malformed;
        }
        return super.decode(buffer, targetType, mimeType, hints);
    }

    private static void requireUtf8(DataBuffer buffer) {
        if (ascii(buffer)) {
            return;
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(buffer.readableByteCount());
        buffer.toByteBuffer(buffer.readPosition(), bytes, 0, bytes.capacity());
        try {
            utf8.decode(bytes);
        } catch (CharacterCodingException malformed) {
            throw new DecodingException("the request body is not well-formed UTF-8");
        }
    }

    /**
     * Whether every byte is ASCII, which is well-formed UTF-8 as it is: such a body (English text, or any text a
     * client sent with JSON escapes) skips the decoder's copy of the body and the characters it would decode.
     */
    private static boolean ascii(DataBuffer buffer) {
        int end = buffer.writePosition();
        for (int i = buffer.readPosition(); i < end; i++) {
            if (buffer.getByte(i) < 0) {
                return false;
            }
        }
        return true;
    }
}
