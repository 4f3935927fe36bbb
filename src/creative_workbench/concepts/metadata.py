"""What image tools embed in their files: ComfyUI, Automatic1111/Forge and Midjourney.

- ComfyUI's SaveImage writes two PNG text chunks: `prompt` (the API-format graph: node id ->
  {class_type, inputs}) and `workflow` (the editor's graph: nodes with widgets_values, links).
  Its WebP savers put the same JSON in EXIF Model (0x0110, "prompt:{...}") and Make
  (0x010F, "workflow:{...}").
- Automatic1111/Forge write one `parameters` text: the prompt, a "Negative prompt:" line and
  a last line of "Key: value" settings; in PNG as a text chunk, in JPEG/WebP as EXIF
  UserComment (8-byte "UNICODE\\0" header, then UTF-16).
- Midjourney names downloads `user_prompt_words_<job uuid>[_N].png`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from PIL import ExifTags, Image

MIDJOURNEY_NAME = re.compile(
    r"^(?P<user>[^_]+)_(?P<words>.+?)_(?P<job>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
    r"-[0-9a-f]{12})(?:_\d+)?$",
    re.IGNORECASE,
)
A1111_SETTING = re.compile(r'\s*([\w][\w \-/]*):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)')
EXIF_MAKE, EXIF_MODEL = 0x010F, 0x0110
TEXT_CLASSES = ("CLIPTextEncode", "CLIPTextEncodeSDXL", "CLIPTextEncodeFlux", "TextEncode")


@dataclass(frozen=True)
class Embedded:
    """Generation metadata found in one file: which tool, its prompts, searchable text."""

    tool: str  # comfyui | a1111 | midjourney | none
    prompts: tuple[str, ...] = ()
    negative: str = ""
    settings: Mapping[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # output names the tool was told to use (filename_prefix)
    blob: str = ""  # all embedded text, searched for brief ids

    @property
    def prompt(self) -> str:
        """The positive prompt(s) as one text."""
        return "\n".join(self.prompts)


def text_chunks(image: Image.Image) -> dict[str, str]:
    """Text an image carries: PNG text chunks, EXIF UserComment/ImageDescription/Make/Model."""
    found: dict[str, str] = {}
    png_text = getattr(image, "text", None)  # PngImageFile.text: every tEXt/zTXt/iTXt chunk
    for key, value in (png_text if isinstance(png_text, Mapping) else image.info).items():
        if isinstance(value, str):
            found[str(key)] = value
    exif = image.getexif()
    description = exif.get(ExifTags.Base.ImageDescription)
    if isinstance(description, str) and description.strip():
        found.setdefault("ImageDescription", description)
    for tag in (EXIF_MODEL, EXIF_MAKE):  # ComfyUI WebP: "prompt:{...}" / "workflow:{...}"
        value = exif.get(tag)
        if isinstance(value, str) and ":" in value:
            key, _, rest = value.partition(":")
            if key in ("prompt", "workflow") and rest.lstrip().startswith("{"):
                found.setdefault(key, rest)
    comment = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.UserComment)
    if comment:
        text = decode_user_comment(comment)
        if text:
            found.setdefault("parameters" if "Steps:" in text else "UserComment", text)
    return found


def decode_user_comment(value: bytes | str) -> str:
    """EXIF UserComment as text: 8-byte charset header (ASCII, UNICODE = UTF-16, JIS)."""
    if isinstance(value, str):
        return value.strip("\x00 ")
    header, body = value[:8], value[8:]
    if header.startswith(b"UNICODE"):
        # UTF-16 without a byte-order mark: ASCII text has its zero bytes first in big-endian
        big = body[0::2].count(0) >= body[1::2].count(0)
        return body.decode("utf-16-be" if big else "utf-16-le", errors="replace").strip("\x00 ")
    if header.startswith(b"ASCII") or header == b"\x00" * 8:
        return body.decode("ascii", errors="replace").strip("\x00 ")
    return value.decode("utf-8", errors="replace").strip("\x00 ")


def read_embedded(chunks: Mapping[str, str], file_stem: str) -> Embedded:
    """The generation metadata in CHUNKS (from `text_chunks`), else from the file name."""
    if "prompt" in chunks or "workflow" in chunks:
        comfy = parse_comfyui(chunks.get("prompt", ""), chunks.get("workflow", ""))
        if comfy is not None:
            return comfy
    if "parameters" in chunks:
        return parse_a1111(chunks["parameters"])
    name = MIDJOURNEY_NAME.match(file_stem)
    if name is not None:
        words = name.group("words").replace("_", " ").strip()
        return Embedded("midjourney", (words,), settings={"job_id": name.group("job")})
    blob = "\n".join(chunks.values())
    return Embedded("none", blob=blob)


def _json(text: str) -> Any:
    try:
        return json.loads(text) if text else None
    except (json.JSONDecodeError, RecursionError):
        return None


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_comfyui(prompt_json: str, workflow_json: str) -> Embedded | None:
    """ComfyUI's `prompt` (API graph) and `workflow` (editor graph); None if neither parses."""
    api, editor = _json(prompt_json), _json(workflow_json)
    if not isinstance(api, Mapping) and not isinstance(editor, Mapping):
        return None
    prompts: list[str] = []
    names: list[str] = []
    settings: dict[str, str] = {}
    nodes = api.values() if isinstance(api, Mapping) else []
    for node in nodes:
        if not isinstance(node, Mapping) or not isinstance(node.get("inputs"), Mapping):
            continue
        kind, inputs = str(node.get("class_type", "")), node["inputs"]
        if kind in TEXT_CLASSES:
            prompts.extend(v for k, v in inputs.items() if k.startswith("text") and _is_text(v))
        if isinstance(inputs.get("filename_prefix"), str):
            names.append(inputs["filename_prefix"])
        for key in ("seed", "noise_seed", "steps", "cfg", "sampler_name", "ckpt_name", "unet_name"):
            if isinstance(inputs.get(key), str | int | float):
                settings.setdefault(key, str(inputs[key]))
    if not prompts and isinstance(editor, Mapping):
        for node in editor.get("nodes") or []:
            if isinstance(node, Mapping) and node.get("type") in TEXT_CLASSES:
                prompts.extend(v for v in node.get("widgets_values") or [] if _is_text(v))
            if isinstance(node, Mapping) and node.get("type") == "SaveImage":
                names.extend(v for v in node.get("widgets_values") or [] if isinstance(v, str))
    blob = "\n".join([*_strings(api), *_strings(editor)])
    return Embedded("comfyui", tuple(prompts), settings=settings, names=tuple(names), blob=blob)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parse_a1111(text: str) -> Embedded:
    """Automatic1111/Forge `parameters`: prompt, "Negative prompt: ...", "Steps: ..." line."""
    lines = text.strip().splitlines()
    settings: dict[str, str] = {}
    if lines and lines[-1].lstrip().startswith("Steps:"):
        for key, value in A1111_SETTING.findall(lines.pop()):
            settings[key.strip()] = value.strip().strip('"')
    prompt_lines: list[str] = []
    negative_lines: list[str] = []
    target = prompt_lines
    for line in lines:
        if line.startswith("Negative prompt:"):
            target = negative_lines
            line = line.removeprefix("Negative prompt:").strip()
        target.append(line)
    prompt = "\n".join(prompt_lines).strip()
    return Embedded(
        "a1111",
        (prompt,) if prompt else (),
        negative="\n".join(negative_lines).strip(),
        settings=settings,
        blob=text,
    )
