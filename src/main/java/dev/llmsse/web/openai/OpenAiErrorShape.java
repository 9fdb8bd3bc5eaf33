package dev.llmsse.web.openai;

import dev.llmsse.web.DialectErrorShape;

import org.springframework.http.server.RequestPath;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import tools.jackson.databind.JsonNode;

/**
 * Every error answered on {@code /v1/**} in OpenAI's shape ({@link OpenAiError}) instead of our problem document,
 * whoever writes it ({@link DialectErrorShape}). Problem fields map one to one: {@code detail} to {@code message},
 * {@code code} and {@code param} as they are, {@code type} from the status. The Anthropic-compatible door's
 * {@code /v1/messages} is not OpenAI's and keeps its own shape.
 */
@Component
class OpenAiErrorShape extends DialectErrorShape {

    /** The door's routes, matched like routing matches them (decoded segments: {@code /%761/models} too). */
    static final PathPattern ROUTES = PathPatternParser.defaultInstance.parse("/v1/**");
    private static final PathPattern ANTHROPIC = PathPatternParser.defaultInstance.parse("/v1/messages/**");

    @Override
    protected boolean owns(RequestPath path) {
        var within = path.pathWithinApplication();
        return ROUTES.matches(within) && !ANTHROPIC.matches(within);
    }

    @Override
    protected Object document(Problem problem) {
        return OpenAiError.of(problem.status(), problem.code(), problem.message(), problem.param());
    }

    @Override
    protected boolean isOwnShape(JsonNode body) {
        return body.path("error").isObject();
    }
}
