"""The session core: pure rules and values (machine, events, holds, ports, menu, texts, prices)."""
