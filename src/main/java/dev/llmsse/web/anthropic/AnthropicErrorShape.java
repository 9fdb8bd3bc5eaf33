package dev.llmsse.web.anthropic;

import dev.llmsse.web.DialectErrorShape;

import org.springframework.http.server.RequestPath;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import tools.jackson.databind.JsonNode;

/**
 * Every error answered on {@code /v1/messages} and below it in Anthropic's shape ({@link AnthropicError}) instead of
 * our problem document, whoever writes it ({@link DialectErrorShape}): {@code detail} becomes {@code message}, our
 * {@code code} stays beside it, the {@code type} comes from the status.
 */
@Component
class AnthropicErrorShape extends DialectErrorShape {

    /** The door's routes, matched like routing matches them (decoded segments: {@code /v1/%6Dessages} too). */
    private static final PathPattern ROUTES = PathPatternParser.defaultInstance.parse("/v1/messages/**");

    @Override
    protected boolean owns(RequestPath path) {
        return ROUTES.matches(path.pathWithinApplication());
    }

    @Override
    protected Object document(Problem problem) {
        return AnthropicError.of(problem.status(), problem.code(), problem.message());
    }

    @Override
    protected boolean isOwnShape(JsonNode body) {
        return "error".equals(body.path("type").asString(null)) && body.path("error").isObject();
    }
}
