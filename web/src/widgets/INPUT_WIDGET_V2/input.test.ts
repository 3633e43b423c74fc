import { describe, expect, test } from "vitest";

import { Engine } from "../../engine/engine";
import { WIDGET_DERIVED } from "../derived";
import { loadManifests } from "../../testing/manifests";
import { page, widget } from "../../testing/pages";
import { RecordingHost } from "../../testing/recordingHost";
import { inputProblem } from "./problem";

const manifests = loadManifests();

/** An input with these properties after the user typed `text`: the message it shows. */
function messageAfterTyping(props: Record<string, unknown>, text: string): string | null {
  const engine = new Engine({ derived: WIDGET_DERIVED, manifests, host: new RecordingHost() });
  engine.load(page([widget("I", "INPUT_WIDGET_V2", props)]));
  engine.setMeta("I", { text, inputText: text });
  return inputProblem(engine.widgetValues()["I"] as Record<string, unknown>);
}

describe("input validation messages", () => {
  test.each([
    [{ isRequired: true }, "", "This field is required"],
    [{ isRequired: true }, "x", null],
    [{ inputType: "EMAIL" }, "not-an-email", "Enter a valid email address"],
    [{ inputType: "EMAIL" }, "ada@example.com", null],
    [{ inputType: "NUMBER", minNum: 1, maxNum: 10 }, "11", "Enter a number from 1 to 10"],
    [{ inputType: "NUMBER", minNum: 1 }, "0", "Enter a number of at least 1"],
    [{ inputType: "NUMBER", maxNum: 5 }, "7", "Enter a number of at most 5"],
    [{ inputType: "NUMBER", minNum: 1, maxNum: 10 }, "5", null],
    [{ regex: "^[A-Z]{3}$" }, "abc", "Invalid value"],
    [{ regex: "^[A-Z]{3}$", errorMessage: "Three capital letters" }, "abc", "Three capital letters"],
    [{ regex: "^[A-Z]{3}$" }, "ABC", null],
    [{ validation: "{{ I.text !== 'admin' }}", errorMessage: "That name is taken" }, "admin", "That name is taken"],
  ])("%o with %j shows %j", (props, text, message) => {
    expect(messageAfterTyping(props, text)).toBe(message);
  });
});
