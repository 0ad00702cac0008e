"""The AWS regions botocore knows, read offline, and the region a profile names."""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable, Mapping


def advice(text: str, known: Iterable[str]) -> str:
    """What to tell someone whose region is not in `known`: the closest, or the whole list."""
    import botocore  # noqa: PLC0415 - only for its version, and only on this error path

    close = difflib.get_close_matches(text, known, n=1)
    if close:
        return f"is not an AWS region botocore knows; did you mean {close[0]!r}?"
    return (
        f"is not an AWS region botocore knows (botocore {botocore.__version__} knows "
        f"{', '.join(sorted(known))}; a region newer than that needs a newer boto3)"
    )


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region in botocore's partitions data (aws, aws-cn, aws-us-gov, …), offline."""
    # Lazy, and botocore's small partitions file rather than the large endpoints.json that
    # get_available_regions parses: the CLI has botocore loaded by then (docs/benchmarks.md).
    from botocore.loaders import create_loader  # noqa: PLC0415

    partitions = create_loader().load_data("partitions")["partitions"]
    # "aws-global" and the like are endpoint aliases, not places a stack can live.
    return frozenset(
        name
        for partition in partitions
        for name in partition["regions"]
        if not name.endswith("-global")
    )


def profile_region(profile: str | None, env: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(config file, profile name, region) as boto3 would resolve them when no region is given;
    None when the profile names no region or the file cannot be read."""
    from botocore.configloader import load_config  # noqa: PLC0415 - see known_regions
    from botocore.exceptions import BotoCoreError  # noqa: PLC0415

    # botocore's own resolution when no region is given: the named profile, else
    # AWS_DEFAULT_PROFILE, else "default", in AWS_CONFIG_FILE or ~/.aws/config.
    name = profile or env.get("AWS_DEFAULT_PROFILE") or "default"
    path = env.get("AWS_CONFIG_FILE") or "~/.aws/config"
    try:
        region = load_config(path)["profiles"].get(name, {}).get("region")
    except BotoCoreError:
        return None  # no file, or not INI: boto3 reports that itself when the session opens
    return None if region is None else (os.path.expanduser(path), name, region)
