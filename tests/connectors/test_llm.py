"""AI chat against a local server speaking the OpenAI-compatible chat completions API (issue 17)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lowcraft.actions import execute_action
from lowcraft.connectors import InstancePolicy
from lowcraft.datasources.checks import check_datasource
from tests.connectors.servers import LLM_KEY

pytestmark = pytest.mark.anyio


@pytest.fixture
def llm(http_server: str) -> dict[str, Any]:
    return {"base_url": http_server + "/v1", "api_key": LLM_KEY, "default_model": "test-model"}


async def chat(config: dict[str, Any], query: dict[str, Any], params: dict[str, Any], policy: InstancePolicy) -> Any:
    return await execute_action("llm", config, query, params, policy=policy)


async def test_prompts_carry_their_bindings_and_the_answer_comes_back_with_its_usage(
    llm: dict[str, Any], policy: InstancePolicy
) -> None:
    result = await chat(llm, {"system_prompt": "You help {{appsmith.user.name}}.", "user_prompt": "Summarise: {{notes}}",
                              "temperature": 0.7, "max_tokens": 50},
                        {"appsmith.user.name": "Ada", "notes": "late delivery"}, policy)
    assert result["isExecutionSuccess"], result
    assert result["body"]["content"] == "You help Ada. | Summarise: late delivery"
    assert result["body"]["model"] == "test-model" and result["body"]["finishReason"] == "stop"
    assert result["body"]["usage"]["total_tokens"] > 0
    assert result["request"]["body"]["temperature"] == 0.7 and result["request"]["body"]["max_tokens"] == 50
    assert LLM_KEY not in json.dumps(result)


async def test_a_json_schema_answer_is_returned_as_json(llm: dict[str, Any], policy: InstancePolicy) -> None:
    schema = '{"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"]}'
    result = await chat(llm, {"user_prompt": "{{text}}", "response_format": "json_schema", "json_schema": schema},
                        {"text": "two boxes"}, policy)
    assert result["body"]["content"] == {"summary": "two boxes"}, result
    sent = result["request"]["body"]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"]["required"] == ["summary"]


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ({"user_prompt": "NOT JSON please", "response_format": "json_object"}, "query_failed", "not the JSON"),
        ({"user_prompt": "hi", "model": "missing-model"}, "query_failed", "does not exist"),
        ({"user_prompt": "hi", "response_format": "json_schema", "json_schema": "{{schema}}"}, "bad_parameters", "expression"),
        ({"user_prompt": "hi", "response_format": "json_schema", "json_schema": "[1]"}, "bad_parameters", "JSON object"),
        ({"user_prompt": "  "}, "bad_parameters", "empty"),
    ],
)
async def test_what_cannot_be_answered_is_reported(
    llm: dict[str, Any], policy: InstancePolicy, query: dict[str, Any], code: str, words: str
) -> None:
    params = {"schema": {"type": "object"}} if "{{schema}}" in json.dumps(query) else {}
    result = await chat(llm, query, params, policy)
    assert result["error"]["code"] == code, result
    assert words in result["error"]["message"], result


async def test_a_wrong_key_is_reported_as_such(llm: dict[str, Any], policy: InstancePolicy) -> None:
    tested = await check_datasource("llm", {**llm, "api_key": "sk-wrong"}, policy=policy)
    assert tested["ok"] is False and tested["code"] == "auth_failed" and "Incorrect API key" in tested["message"]
    assert "sk-wrong" not in json.dumps(tested)
    good = await check_datasource("llm", llm, policy=policy)
    assert good["ok"] and "1 model" in good["message"], good
