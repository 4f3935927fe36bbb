"""The brand guide (_brand.yml): palette, colour roles, logos and fonts, checked on load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from creative_workbench.errors import ConfigError
from creative_workbench.paths import inside_project

RASTER_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")


@dataclass(frozen=True)
class BrandGuide:
    """The project's brand.yml, read with Posit's brand-yml package."""

    path: Path
    name: str
    palette: dict[str, str]
    roles: dict[str, str]
    logos: dict[str, Path]
    fonts: tuple[str, ...]

    def palette_rgb(self) -> dict[str, tuple[int, int, int]]:
        """Palette colours as 8-bit RGB triples (alpha dropped)."""
        return {name: hex_to_rgb(value) for name, value in self.palette.items()}


def hex_to_rgb(value: str) -> tuple[int, int, int]:
    """Parse #RGB, #RRGGBB or #RRGGBBAA (any case) into an RGB triple."""
    if not HEX_COLOUR.match(value):
        raise ValueError(f"{value!r} is not a hex colour (#RGB, #RRGGBB or #RRGGBBAA)")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def normalise_hex(value: str) -> str:
    """Canonical lower-case #rrggbb form of a hex colour."""
    return "#{:02x}{:02x}{:02x}".format(*hex_to_rgb(value))


def load_brand_guide(path: Path, project_dir: Path | None = None) -> BrandGuide:
    """Read and check a brand.yml file; bad colours or logos name the key to fix.

    Logo paths must resolve inside PROJECT_DIR (default: the guide's folder).
    """
    from brand_yml import Brand  # heavy import, deferred

    if not path.is_file():
        raise ConfigError(f"{path}: brand guide not found; add a brand.yml file there")
    try:
        brand = Brand.from_yaml(path)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
    except Exception as exc:  # YAML syntax errors arrive as several types
        message = " ".join(str(exc).split())
        raise ConfigError(f"{path}: cannot read brand guide: {message}") from None
    palette: dict[str, str] = {}
    raw_palette = (brand.color.palette or {}) if brand.color else {}
    for name, value in raw_palette.items():
        if not HEX_COLOUR.match(str(value)):
            raise ConfigError(
                f"{path}: color.palette.{name} = {value!r} is not a hex colour; "
                "use #RGB, #RRGGBB or #RRGGBBAA"
            )
        palette[name] = normalise_hex(str(value))
    roles = _colour_roles(brand, path)
    logos = _logo_paths(brand, path, project_dir or path.parent)
    fonts = tuple(f.family for f in (brand.typography.fonts or [])) if brand.typography else ()
    name = ""
    if brand.meta and brand.meta.name:
        name = brand.meta.name.full or brand.meta.name.short or ""
    return BrandGuide(path, name, palette, roles, logos, fonts)


def _colour_roles(brand, path: Path) -> dict[str, str]:
    roles: dict[str, str] = {}
    if not brand.color:
        return roles
    for role in (
        "foreground",
        "background",
        "primary",
        "secondary",
        "tertiary",
        "success",
        "info",
        "warning",
        "danger",
        "light",
        "dark",
    ):
        value = getattr(brand.color, role, None)
        if value is None:
            continue
        if not HEX_COLOUR.match(str(value)):
            raise ConfigError(
                f"{path}: color.{role} = {value!r} is not a hex colour or palette name"
            )
        roles[role] = normalise_hex(str(value))
    return roles


def _logo_paths(brand, guide: Path, project_dir: Path) -> dict[str, Path]:
    """Every logo file the guide names, keyed like 'medium.light'; each inside the project."""
    logos: dict[str, Path] = {}
    if not brand.logo:
        return logos
    for size in ("small", "medium", "large"):
        resource = getattr(brand.logo, size, None)
        if resource is None:
            continue
        variants = (
            {"": resource}
            if hasattr(resource, "path")
            else {"light": resource.light, "dark": resource.dark}
        )
        for variant, item in variants.items():
            if item is None:
                continue
            key = f"{size}.{variant}" if variant else size
            relative = guide.parent.resolve().relative_to(project_dir.resolve())
            what = f"{guide} logo.{key}"
            logos[key] = check_logo(
                inside_project(project_dir, relative / str(item.path.root), what), what
            )
    return logos


def check_logo(path: Path, what: str) -> Path:
    """PATH if it is a readable logo (raster files are decoded), else a ConfigError naming WHAT."""
    if not path.is_file():
        raise ConfigError(f"{what} = {path.name!r}: file not found; fix the path or add the file")
    if path.suffix.lower() not in RASTER_SUFFIXES:
        return path
    from PIL import Image  # deferred: only when a guide is read

    try:
        with Image.open(path) as image:
            image.load()
    except Exception as exc:  # PIL raises many types for broken files
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ConfigError(
            f"{what} = {path.name!r} is not a readable image ({reason}); replace the file"
        ) from None
    return path
