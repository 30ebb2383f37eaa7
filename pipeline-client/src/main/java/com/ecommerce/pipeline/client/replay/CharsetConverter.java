package com.ecommerce.pipeline.client.replay;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import picocli.CommandLine;

/** UTF-8 or ISO-8859-1 (any charset Java knows is accepted; those two are the dataset's). */
final class CharsetConverter implements CommandLine.ITypeConverter<Charset> {
    @Override
    public Charset convert(String value) {
        String v = value.trim();
        if (v.equalsIgnoreCase("latin1") || v.equalsIgnoreCase("latin-1")) {
            return StandardCharsets.ISO_8859_1;
        }
        try {
            return Charset.forName(v);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new CommandLine.TypeConversionException("unknown charset '" + value + "' (use UTF-8 or ISO-8859-1)");
        }
    }
}
