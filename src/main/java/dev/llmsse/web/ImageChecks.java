package dev.llmsse.web;

import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ContentPart;
import dev.llmsse.config.ImageLimits;
import dev.llmsse.provider.ResolvedModel;

/**
 * The checks on a request's images: where they may be, their URLs, then whether the model can see them. An image
 * is never dropped on the way: a model that cannot take it gets no request, the client a 400 naming why.
 */
final class ImageChecks {

    private ImageChecks() {
    }

    /** Images only in user turns, each URL by {@link ImageUrls}' rules; throws 400 or 413. */
    static void checkParts(List<ChatMessage> messages, ImageLimits limits) {
        for (ChatMessage message : messages) {
            if (!message.hasImages()) {
                continue;
            }
            if (!"user".equals(message.role())) {
                throw new ImageRefusedException("images are accepted in user messages only");
            }
            for (ContentPart part : message.parts()) {
                if (part.holdsImage()) {
                    ImageUrls.check(part.url(), limits.maxImageBytes());
                }
            }
        }
    }

    /** Throws a 400 when the model is configured text-only or its provider cannot take these images. */
    static void checkModel(ResolvedModel model, ChatRequest request, ImageLimits limits) {
        if (request.messages().stream().noneMatch(ChatMessage::hasImages)) {
            return;
        }
        if (limits.textOnly(model.qualifiedName())) {
            throw new ImageRefusedException(model.qualifiedName() + " takes text only (gateway.limits.text-only-models):"
                    + " the request has an image");
        }
        String refusal = model.provider().imageRefusal(request);
        if (refusal != null) {
            throw new ImageRefusedException("images are not possible with " + model.qualifiedName() + ": " + refusal);
        }
    }
}
