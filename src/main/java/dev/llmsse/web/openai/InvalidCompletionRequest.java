package dev.llmsse.web.openai;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request this door refuses with 400, naming the offending parameter as OpenAI does ({@code param}). An
 * {@link ErrorResponseException}, so the gateway's problem handler answers it like Spring's own errors, and
 * {@link OpenAiErrorShape} reshapes that answer for OpenAI's clients. The message is our own text, never
 * request input.
 */
final class InvalidCompletionRequest extends ErrorResponseException {

    private InvalidCompletionRequest(String code, String param, String message) {
        super(HttpStatus.BAD_REQUEST, problem(code, param, message), null);
    }

    /** A parameter OpenAI defines that the gateway cannot honour yet. */
    static InvalidCompletionRequest unsupported(String param, String message) {
        return new InvalidCompletionRequest("unsupported_parameter", param, message);
    }

    /** A parameter whose value is out of range or of the wrong kind. */
    static InvalidCompletionRequest invalid(String param, String message) {
        return new InvalidCompletionRequest("invalid_value", param, message);
    }

    private static ProblemDetail problem(String code, String param, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, message);
        problem.setProperty("code", code);
        if (param != null) {
            problem.setProperty("param", param);
        }
        return problem;
    }
}
