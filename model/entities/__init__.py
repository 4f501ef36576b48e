"""Agents: government buyers, contractors (Mesa agents over bulk arrays) and citizens (arrays)."""
